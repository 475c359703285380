package org.astradse.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.astradse.InputException;
import org.astradse.sim.LayerStats;
import org.astradse.sim.TrainingResult;

/**
 * The {@code --path} CSVs. {@code layers.csv}: one row per layer and run; {@code end_to_end.csv}: one row per run.
 * Several runs share the files as in the reference: with R = --total-stat-rows and r = --stat-row, layer ℓ of
 * run r is data row ℓ·R + r (0-based) of layers.csv and run r is row r of end_to_end.csv. All times in ns.
 */
final class StatCsv {
    static final String[] LAYER_HEADER = {"run_name", "layer_index", "layer", "collectives_issued", "fwd_compute_ns",
            "wg_compute_ns", "ig_compute_ns", "fwd_exposed_comm_ns", "wg_exposed_comm_ns", "ig_exposed_comm_ns",
            "fwd_total_comm_ns", "wg_total_comm_ns", "ig_total_comm_ns"};
    static final String[] E2E_HEADER = {"run_name", "npus", "end_to_end_ns", "compute_ns", "exposed_comm_ns"};

    private StatCsv() {
    }

    static void write(Path dir, String runName, int rows, int row, TrainingResult r) {
        try {
            Files.createDirectories(dir);
            List<List<String>> layers = read(dir.resolve("layers.csv"));
            for (int l = 0; l < r.layers().size(); l++) {
                LayerStats s = r.layers().get(l);
                set(layers, l * rows + row, List.of(runName, Integer.toString(l), s.name(), Long.toString(s.collectivesIssued()),
                        Long.toString(s.fwdComputeNs()), Long.toString(s.wgComputeNs()), Long.toString(s.igComputeNs()),
                        Long.toString(s.fwdExposedCommNs()), Long.toString(s.wgExposedCommNs()), Long.toString(s.igExposedCommNs()),
                        Long.toString(s.fwdTotalCommNs()), Long.toString(s.wgTotalCommNs()), Long.toString(s.igTotalCommNs())));
            }
            save(dir.resolve("layers.csv"), LAYER_HEADER, layers);
            List<List<String>> e2e = read(dir.resolve("end_to_end.csv"));
            set(e2e, row, List.of(runName, Integer.toString(r.npus()), Long.toString(r.endToEndNs()), Long.toString(r.computeNs()),
                    Long.toString(r.exposedCommNs())));
            save(dir.resolve("end_to_end.csv"), E2E_HEADER, e2e);
        } catch (IOException e) {
            throw new InputException("--path " + dir + ": cannot write the CSVs: " + InputException.folderProblem(dir, e));
        }
    }

    private static List<List<String>> read(Path f) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        if (!Files.exists(f)) return rows;
        try (Reader in = Files.newBufferedReader(f)) {
            for (CSVRecord rec : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(in)) {
                rows.add(new ArrayList<>(rec.toList()));
            }
        }
        return rows;
    }

    private static void set(List<List<String>> rows, int index, List<String> values) {
        while (rows.size() <= index) rows.add(new ArrayList<>());
        rows.set(index, values);
    }

    private static void save(Path f, String[] header, List<List<String>> rows) throws IOException {
        try (Writer w = Files.newBufferedWriter(f);
             CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(header).build())) {
            for (List<String> row : rows) {
                if (row.isEmpty()) {
                    p.printRecord((Object[]) new String[header.length]);
                } else {
                    p.printRecord(row);
                }
            }
        }
    }
}
