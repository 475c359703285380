package org.astradse.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.astradse.InputException;
import org.astradse.report.FolderLock;
import org.astradse.report.ParetoPlot;
import org.astradse.report.PointsFile;

/**
 * Joins the folders of a sweep's shards ({@code sweep --shard I/N}) into the files one run of the whole sweep writes:
 * points.csv in point order (shard I holds the ids ≡ I mod N, so the rows interleave round-robin), pareto.csv,
 * pareto.svg and manifest.json — byte-identical to a one-machine run, the manifest's timing aside.
 */
public final class ShardMerge {
    private ShardMerge() {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What merge did. */
    public record Outcome(Path dir, long points, long ok, int paretoSize, int shards, long infeasible, long failed,
                          java.util.Map.Entry<String, Long> commonestReason) {
    }

    public static Outcome merge(List<Path> dirs, Path out, boolean force) {
        if (dirs.isEmpty()) throw new InputException("merge: name the shard folders to merge");
        Map<Integer, Path> byIndex = new TreeMap<>();
        JsonNode first = null;
        int count = -1;
        for (Path d : dirs) {
            JsonNode m = manifest(d);
            JsonNode sh = m.path("shard");
            if (!sh.isObject())
                throw new InputException(d + ": not a shard of a sweep (its manifest has no \"shard\"; run sweep --shard I/N)");
            if (!"complete".equals(m.path("status").asText()))
                throw new InputException(d + ": shard " + sh.path("index").asInt() + "/" + sh.path("count").asInt() + " is "
                        + m.path("status").asText() + ", not complete; finish it with sweep --shard ... --resume");
            if (first == null) {
                first = m;
                count = sh.path("count").asInt();
            } else {
                // the identity hash covers the tool's version and build too: say which when it is one of them
                for (String k : List.of("version", "build"))
                    if (!m.path(k).asText().equals(first.path(k).asText()))
                        throw new InputException(d + ": a shard of another tool " + k + " (" + m.path(k).asText() + ") than "
                                + byIndex.values().iterator().next() + " (" + first.path(k).asText() + ")");
                if (!sh.path("sweepHash").asText().equals(first.path("shard").path("sweepHash").asText()))
                    throw new InputException(d + ": a shard of another sweep (other spec, inputs or build) than "
                            + byIndex.values().iterator().next());
                if (sh.path("count").asInt() != count)
                    throw new InputException(d + ": shard of " + sh.path("count").asInt() + ", the others are of " + count);
            }
            if (!sh.path("index").canConvertToInt() || !sh.path("index").isIntegralNumber() || !sh.path("count").isIntegralNumber()
                    || sh.path("index").asInt() < 0 || sh.path("index").asInt() >= sh.path("count").asInt())
                throw new InputException(d.resolve("manifest.json") + ": shard.index " + sh.path("index") + " of shard.count "
                        + sh.path("count") + "; expected an index from 0 to count − 1");
            if (d.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize()))
                throw new InputException("merge: --out " + out + " is one of the shards to merge; merge into another folder");
            Path before = byIndex.put(sh.path("index").asInt(), d);
            if (before != null)
                throw new InputException("merge: shard " + sh.path("index").asInt() + "/" + count + " given twice: " + before
                        + " and " + d);
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < count; i++) if (!byIndex.containsKey(i)) missing.add(i);
        if (!missing.isEmpty())
            throw new InputException("merge: shards " + missing + " of " + count + " are missing (have " + byIndex.keySet() + ")");

        JsonNode sh0 = first.path("shard");
        List<String> groupBy = new ArrayList<>();
        sh0.path("groupBy").forEach(g -> groupBy.add(g.asText()));
        String colourBy = sh0.path("colourBy").isNull() || sh0.path("colourBy").isMissingNode() ? null
                : sh0.path("colourBy").asText();
        long total = first.path("counts").path("points").asLong();
        Instant startedAt = Instant.now();
        long started = System.nanoTime();
        try (FolderLock lock = FolderLock.acquire(out)) {
            if (!force && !PointsFile.hasNoRows(out))
                throw new InputException(out + " already holds results; use another --out, or --force to replace them");
            List<BufferedReader> readers = new ArrayList<>();
            List<String> header = null;
            boolean merged = false;
            boolean created = false;
            long[] lineOf = new long[count];
            int at = 0; // the shard being read, for messages
            try {
                for (int i = 0; i < count; i++) {
                    at = i;
                    Path f = byIndex.get(i).resolve("points.csv");
                    if (!Files.isRegularFile(f)) throw new InputException(f + ": missing; the shard has no rows to merge");
                    BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8);
                    readers.add(r);
                    String head = r.readLine();
                    if (head == null) throw new InputException(f + ": empty; expected the shard's header and rows");
                    lineOf[i] = 1;
                    List<String> h = PointsFile.parse(head);
                    if (header == null) header = h;
                    else if (!header.equals(h))
                        throw new InputException(f + ": other columns than " + byIndex.get(0).resolve("points.csv")
                                + " (one of the two headers was cut or edited)");
                }
                try (PointsFile file = PointsFile.create(out, header, groupBy)) {
                    created = true;
                    for (long id = 0; id < total; id++) {
                        int s = (int) (id % count);
                        at = s;
                        String line = readers.get(s).readLine();
                        Path f = byIndex.get(s).resolve("points.csv");
                        if (line == null)
                            throw new InputException(f + ": ends before point " + id);
                        lineOf[s]++;
                        List<String> cells = PointsFile.parse(line);
                        String bad = PointsFile.invalid(cells, header.size());
                        if (bad == null && Long.parseLong(cells.get(0)) != id) bad = "point_id " + cells.get(0) + ", expected " + id;
                        if (bad != null) throw new InputException(f + ": line " + lineOf[s] + ": " + bad);
                        file.appendCells(cells);
                    }
                    for (int i = 0; i < count; i++)
                        if (readers.get(i).readLine() != null)
                            throw new InputException(byIndex.get(i) + ": points.csv has rows beyond the sweep's " + total + " points");
                    file.writePareto();
                    file.flush();
                    ParetoPlot.write(out, new ParetoPlot.Options(first.path("name").asText(), first.path("description").asText(),
                            groupBy, colourBy), file.plotSample());
                    // the manifest a one-machine run writes: the shards' base, the whole sweep's identity and counts
                    ObjectNode m = ((ObjectNode) first).deepCopy();
                    m.remove(List.of("shard", "specHash", "counts", "timing"));
                    m.put("specHash", sh0.path("sweepHash").asText());
                    org.astradse.sweep.Manifests.counts(m, file).put("points", total);
                    ObjectNode timing = Manifests.timing(m, startedAt, true, 0, (System.nanoTime() - started) / 1e9);
                    timing.put("resumedFromPoint", 0);
                    timing.put("mergedShards", count);
                    Manifests.write(out.resolve("manifest.json"), m);
                    merged = true;
                    return new Outcome(out, total, file.ok(), file.frontSize(), count, file.infeasible(), file.failed(),
                            file.commonestReason());
                }
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new InputException(byIndex.get(at).resolve("points.csv") + ": not UTF-8 text (line " + (lineOf[at] + 1)
                        + "); expected a shard's points.csv");
            } finally {
                for (BufferedReader r : readers) r.close();
                // a failed merge leaves nothing behind that would block the corrected rerun into the same folder
                if (created && !merged)
                    for (String f : List.of("points.csv", "pareto.csv", "pareto.svg")) Files.deleteIfExists(out.resolve(f));
            }
        } catch (IOException | IllegalStateException e) {
            throw new InputException("merge into " + out + ": " + e.getMessage());
        }
    }

    private static JsonNode manifest(Path dir) {
        Path f = dir.resolve("manifest.json");
        if (!Files.isRegularFile(f)) throw new InputException(dir + ": no manifest.json (not a results folder)");
        try {
            return JSON.readTree(f.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InputException(f + ": not valid JSON" + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                    + ")") + "; expected a shard's manifest (the shard was cut short or edited: run it again with --force)");
        } catch (IOException e) {
            throw new InputException(f + ": cannot be read (" + e.getMessage() + ")");
        }
    }
}
