package org.astradse.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * points.csv, written row by row in point-id order and flushed within a fraction of a second, so that it is also the sweep's
 * journal: after a kill -9 every complete line is a finished point, a torn last line is cut off, and a resumed
 * sweep appends from the next id. Tracks the Pareto front of the ok points as rows go by — one front per group
 * when the spec groups by some columns (e.g. one per workload: a fast workload must not hide a slow one) — and
 * writes pareto.csv at the end: same columns, the groups in the order they first appear, each front ordered by
 * cost, then time, then id.
 */
public final class PointsFile implements AutoCloseable {
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").build();

    private final Path dir;
    private final List<String> header;
    private final Writer out;
    private final CSVPrinter printer;
    private final int[] groupBy; // column indices whose values form a group's key
    private final java.util.Map<List<String>, List<FrontEntry>> fronts = new java.util.LinkedHashMap<>();
    private long rows;
    private long ok;
    private long infeasible;
    private long failed;
    private final java.util.Map<String, Long> reasons = new java.util.HashMap<>(); // error → rows, bounded

    private record FrontEntry(ParetoFront.Point point, List<String> cells) {
    }

    private long firstId; // row k holds point firstId + k·idStride (a shard of an array job: ids ≡ first mod stride)
    private long idStride = 1;

    private PointsFile(Path dir, List<String> header, List<String> groupBy, Writer out) throws IOException {
        this.dir = dir;
        this.header = List.copyOf(header);
        this.groupBy = groupBy.stream().mapToInt(header::indexOf).toArray();
        for (int i = 0; i < this.groupBy.length; i++)
            if (this.groupBy[i] < 0) throw new IllegalArgumentException("group-by column " + groupBy.get(i) + " is not a column");
        this.out = out;
        this.printer = new CSVPrinter(out, FORMAT);
        this.plot = new PlotSample(header, groupBy);
    }

    private final PlotSample plot;

    /** What pareto.svg draws of the rows counted so far (gathered as they are written, in file order). */
    public PlotSample plotSample() {
        return plot;
    }

    /** Starts a new points.csv (replacing any). */
    public static PointsFile create(Path dir, List<String> header, List<String> groupBy) throws IOException {
        return create(dir, header, groupBy, 0, 1);
    }

    /** Starts a new points.csv whose row k is point {@code firstId + k·idStride} (one shard of a sweep). */
    public static PointsFile create(Path dir, List<String> header, List<String> groupBy, long firstId, long idStride)
            throws IOException {
        Files.createDirectories(dir);
        Writer w = Files.newBufferedWriter(dir.resolve("points.csv"), StandardCharsets.UTF_8);
        PointsFile f = new PointsFile(dir, header, groupBy, w);
        f.firstId = firstId;
        f.idStride = idStride;
        f.printer.printRecord(header);
        f.printer.flush();
        return f;
    }

    /**
     * Reopens an interrupted points.csv: checks its header, cuts a torn last line, re-reads the finished rows (to
     * rebuild the counts and the front) and appends after them.
     *
     * @throws IllegalStateException with a user-facing message if the file does not belong to this sweep
     */
    public static PointsFile resume(Path dir, List<String> header, List<String> groupBy) throws IOException {
        return resume(dir, header, groupBy, 0, 1);
    }

    /** {@link #resume} for a file whose row k is point {@code firstId + k·idStride}. */
    public static PointsFile resume(Path dir, List<String> header, List<String> groupBy, long firstId, long idStride)
            throws IOException {
        return resume(dir, header, groupBy, firstId, idStride, true);
    }

    /**
     * {@link #resume}; with {@code count} false the rows already there are checked but not counted: a resumed search
     * counts each as its replay reaches it ({@link #countReplayed}), so its per-generation fronts are the original run's.
     */
    public static PointsFile resume(Path dir, List<String> header, List<String> groupBy, long firstId, long idStride,
                                    boolean count) throws IOException {
        return resume(dir, header, groupBy, firstId, idStride, count, null);
    }

    /**
     * What a resumed row must hold beyond its structure: given its point id and cells, why it is not the row this run
     * writes for that id (e.g. a hand-edited parameter value), or null.
     */
    @FunctionalInterface
    public interface RowCheck {
        String problem(long id, List<String> cells);
    }

    /** {@link #resume} with each kept row also checked by {@code check} (null: structure only). */
    public static PointsFile resume(Path dir, List<String> header, List<String> groupBy, long firstId, long idStride,
                                    boolean count, RowCheck check) throws IOException {
        Path file = dir.resolve("points.csv");
        if (!Files.exists(file)) return create(dir, header, groupBy, firstId, idStride);
        truncateTornLine(file);
        String first;
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            first = in.readLine();
        }
        if (first == null) return create(dir, header, groupBy, firstId, idStride);
        List<String> found = parse(first);
        if (!found.equals(header))
            throw new IllegalStateException(file + " has other columns than this sweep (" + found + "); it belongs to "
                    + "another spec: use another --out or start over with --force");
        Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        PointsFile f = new PointsFile(dir, header, groupBy, w);
        f.firstId = firstId;
        f.idStride = idStride;
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            in.readLine();
            String line;
            long lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                List<String> cells = parse(line);
                String bad = invalid(cells, header.size());
                if (bad != null)
                    throw new IllegalStateException(file + ": line " + lineNo + ": " + bad + "; the file was edited or "
                            + "belongs to no run of this tool: use another --out, or --force to start over");
                long id = Long.parseLong(cells.get(0));
                long expected = firstId + (lineNo - 2) * idStride;
                if (id != expected)
                    throw new IllegalStateException(file + ": a row has point_id " + id + ", expected " + expected);
                String wrong = check == null ? null : check.problem(id, cells);
                if (wrong != null)
                    throw new IllegalStateException(file + ": line " + lineNo + ": " + wrong + "; the file was edited or "
                            + "belongs to another run: use another --out, or --force to start over");
                if (count) f.count(cells);
            }
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
        return f;
    }

    /** Counts a row already in the file (opened with {@code count} false) as if it had just been appended. */
    public void countReplayed(List<String> cells) {
        count(cells);
    }

    /** Why a row read back is not one this tool writes ({@code width} cells, an id, a status, ok's numbers), or null. */
    public static String invalid(List<String> cells, int width) {
        if (cells.size() != width) return cells.size() + " cells for " + width + " columns";
        if (!cells.get(0).matches("\\d{1,18}")) return "point_id '" + cells.get(0) + "' is not a point number";
        String status = PointRow.status(cells);
        if (!status.equals(PointRow.OK) && !status.equals(PointRow.INFEASIBLE) && !status.equals(PointRow.FAILED))
            return "status '" + status + "'; expected ok, infeasible or failed";
        if (status.equals(PointRow.OK)) {
            try {
                PointRow.endToEndNs(cells);
                PointRow.costUsd(cells);
            } catch (NumberFormatException e) {
                return "an ok row whose time or cost is not a number";
            }
        }
        return null;
    }

    /** The rows of an existing points.csv (without the header), as cells; empty if there is none. */
    public static List<List<String>> readRows(Path dir) throws IOException {
        Path file = dir.resolve("points.csv");
        List<List<String>> rows = new ArrayList<>();
        if (!Files.exists(file)) return rows;
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            in.readLine();
            String line;
            while ((line = in.readLine()) != null) rows.add(parse(line));
        }
        return rows;
    }

    /** The points of every group's front so far (time, cost), for progress reports. */
    public List<ParetoFront.Point> front() {
        List<ParetoFront.Point> all = new ArrayList<>();
        for (List<FrontEntry> f : fronts.values()) for (FrontEntry e : f) all.add(e.point());
        return all;
    }

    /** How many groups have ok points. */
    public int groups() {
        return fronts.size();
    }

    /** Points already in the file (the next id to run). */
    public long rows() {
        return rows;
    }

    public long ok() {
        return ok;
    }

    public long infeasible() {
        return infeasible;
    }

    public long failed() {
        return failed;
    }

    /** Rows of pareto.csv: the sizes of all groups' fronts. */
    public int frontSize() {
        int n = 0;
        for (List<FrontEntry> f : fronts.values()) n += f.size();
        return n;
    }

    /**
     * Appends the next row (ids must come in order). Rows reach the disk at least every {@link #FLUSH_NANOS} while
     * rows come, whenever the writer waits for the next one ({@link #flush}, called by the runners when their
     * executor goes idle), and at close: a crash loses at most the last fraction of a second of rows, which a resume
     * simply runs again (a torn line is cut), while a flush per row would cost a system call per design point.
     */
    public void append(PointRow row) throws IOException {
        appendCells(row.cells());
    }

    /** The point id the next row must carry. */
    public long nextId() {
        return firstId + rows * idStride;
    }

    /** Appends a row given as CSV cells (a merged shard's row), as {@link #append}. */
    public void appendCells(List<String> cells) throws IOException {
        long id = Long.parseLong(cells.get(0));
        if (id != nextId()) throw new IllegalStateException("row " + id + " out of order; expected " + nextId());
        // a row of another width would shift every column after it (the fronts, read from the row's end, would not see it)
        if (cells.size() != header.size())
            throw new IllegalStateException("row " + id + " has " + cells.size() + " cells for " + header.size() + " columns");
        printer.printRecord(cells);
        long now = System.nanoTime();
        if (now - lastFlush >= FLUSH_NANOS) {
            printer.flush();
            lastFlush = now;
        }
        count(cells);
    }

    /** {@link #flush}, for callbacks that cannot throw checked exceptions. */
    public void flushUnchecked() {
        try {
            flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Writes what is buffered to disk now. */
    public void flush() throws IOException {
        printer.flush();
        lastFlush = System.nanoTime();
    }

    private static final long FLUSH_NANOS = 200_000_000L;
    private long lastFlush = System.nanoTime();

    private void count(List<String> cells) {
        rows++;
        switch (PointRow.status(cells)) {
            case PointRow.OK -> {
                ok++;
                double t = PointRow.endToEndNs(cells);
                double c = PointRow.costUsd(cells);
                offer(new FrontEntry(new ParetoFront.Point(Long.parseLong(cells.get(0)), t, c), cells));
                plot.offerOk(cells, t, c); // the plot's sample, from the numbers read once
            }
            case PointRow.INFEASIBLE -> {
                infeasible++;
                reason(cells.get(2));
            }
            default -> {
                failed++;
                reason(cells.get(2));
            }
        }
    }

    private void reason(String error) {
        if (reasons.size() < 10_000 || reasons.containsKey(error)) reasons.merge(error, 1L, Long::sum);
    }

    /** The most frequent reason a row is not ok, with its count (ties: the alphabetically first), or null. */
    public java.util.Map.Entry<String, Long> commonestReason() {
        return reasons.entrySet().stream()
                .max(java.util.Map.Entry.<String, Long>comparingByValue().thenComparing(java.util.Map.Entry.comparingByKey(
                        java.util.Comparator.reverseOrder())))
                .orElse(null);
    }

    /** Whether points.csv in {@code dir} holds no row (absent, empty, or the header only). */
    public static boolean hasNoRows(Path dir) throws IOException {
        Path file = dir.resolve("points.csv");
        if (!Files.exists(file)) return true;
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            in.readLine();
            String second = in.readLine();
            return second == null || second.isEmpty();
        }
    }

    private void offer(FrontEntry e) {
        List<String> key = new ArrayList<>(groupBy.length);
        for (int c : groupBy) key.add(e.cells().get(c));
        List<FrontEntry> front = fronts.computeIfAbsent(key, k -> new ArrayList<>());
        for (FrontEntry f : front) if (ParetoFront.dominates(f.point(), e.point())) return;
        front.removeIf(f -> ParetoFront.dominates(e.point(), f.point()));
        front.add(e);
    }

    /** Writes pareto.csv: exactly the non-dominated ok rows, ordered by cost, then time, then id. */
    public void writePareto() throws IOException {
        Path tmp = dir.resolve("pareto.csv.tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8); CSVPrinter p = new CSVPrinter(w, FORMAT)) {
            p.printRecord(header);
            for (List<FrontEntry> front : fronts.values()) {
                java.util.Map<Long, List<String>> byId = new java.util.HashMap<>();
                for (FrontEntry f : front) byId.put(f.point().id(), f.cells());
                for (ParetoFront.Point pt : ParetoFront.of(front.stream().map(FrontEntry::point).toList()))
                    p.printRecord(byId.get(pt.id()));
            }
        }
        Files.move(tmp, dir.resolve("pareto.csv"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() throws IOException {
        printer.close();
        out.close();
    }

    /** One CSV line of points.csv as cells. */
    public static List<String> parse(String line) throws IOException {
        List<CSVRecord> recs = CSVFormat.DEFAULT.parse(new StringReader(line)).getRecords();
        return recs.isEmpty() ? List.of() : recs.get(0).toList();
    }

    /** Cuts everything after the last newline (a line torn by a kill). */
    private static void truncateTornLine(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long len = raf.length();
            long pos = len;
            while (pos > 0) {
                raf.seek(pos - 1);
                if (raf.read() == '\n') break;
                pos--;
            }
            if (pos < len) raf.setLength(pos);
        }
    }
}
