package org.astradse.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes a Jupyter notebook (nbformat 4) next to copies of a results folder's CSVs and manifest, so the folder can be
 * zipped and shared: it loads the CSVs with pandas (relative paths) and plots the front and one view per swept
 * parameter with matplotlib.
 */
public final class NotebookExport {
    private NotebookExport() {
    }

    /** {@code name} with every character outside letters, digits, '.', '_' and '-' replaced by '_'; a dot name falls back. */
    public static String safeName(String name, String fallback) {
        String n = name.replaceAll("[^A-Za-z0-9._-]", "_");
        if (n.isEmpty() || n.chars().allMatch(c -> c == '.')) n = fallback.replaceAll("[^A-Za-z0-9._-]", "_");
        return n.isEmpty() || n.chars().allMatch(c -> c == '.') ? "results" : n;
    }

    /**
     * The rows a notebook would read are the ones this tool writes: UTF-8 text, every row as wide as the header, with
     * an id, a status and an ok row's numbers ({@link PointsFile#invalid}); a binary or torn file was copied as it was.
     */
    private static void checkRows(Path points) throws IOException {
        var decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder();
        long line = 0;
        try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(Files.newInputStream(points),
                decoder))) {
            String head = r.readLine();
            line = 1;
            if (head == null) throw new IllegalArgumentException(points + " is empty; expected the header and rows of a run");
            int width = PointsFile.parse(head).size();
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                line++;
                String bad;
                try {
                    bad = PointsFile.invalid(PointsFile.parse(l), width);
                } catch (IOException e) { // parse reads a String: a malformed CSV line, not the file's encoding
                    bad = "not a CSV row (" + e.getMessage() + ")";
                }
                if (bad != null)
                    throw new IllegalArgumentException(points + ": line " + line + ": " + bad + "; the file was cut or edited");
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            // the reader decodes ahead of the line it hands out: the bad bytes are at or after this line
            throw new IllegalArgumentException(points + ": not UTF-8 text (from about line " + (line + 1) + "); expected a run's points.csv");
        }
    }

    /** Exports {@code results} into {@code to/<name>/}; returns the notebook's path. */
    public static Path export(Path results, Path to) throws IOException {
        // the manifest first: an interrupted or running run has no pareto.csv yet, and its status says how to finish it
        for (String f : List.of("points.csv", "manifest.json")) {
            if (!Files.isRegularFile(results.resolve(f)))
                throw new IllegalArgumentException(results + " has no " + f + "; expected the folder of a finished sweep or search");
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode manifest;
        try {
            manifest = json.readTree(results.resolve("manifest.json").toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(results.resolve("manifest.json") + " is not valid JSON (line "
                    + e.getLocation().getLineNr() + "); expected the manifest of a sweep or search");
        }
        if (manifest == null || !manifest.isObject() || !manifest.has("status"))
            throw new IllegalArgumentException(results.resolve("manifest.json") + " is not a sweep's or search's manifest");
        String status = manifest.path("status").asText();
        if (!status.equals("complete"))
            throw new IllegalArgumentException(results + " holds a run whose status is '" + status + "', not complete: "
                    + "finish it first (sweep or search ... --resume --out " + results + ")");
        if (!Files.isRegularFile(results.resolve("pareto.csv")))
            throw new IllegalArgumentException(results + " has no pareto.csv; expected the folder of a finished sweep or search");
        if (manifest.path("shard").isObject())
            throw new IllegalArgumentException(results + " holds shard " + manifest.path("shard").path("index").asInt() + "/"
                    + manifest.path("shard").path("count").asInt() + " of a sweep, not the whole run: merge the shards first "
                    + "(astradse merge SHARD... --out DIR), then export DIR");
        checkRows(results.resolve("points.csv"));
        if (Files.exists(to) && !Files.isDirectory(to))
            throw new IllegalArgumentException("--to " + to + " is a file; expected a folder");
        // the manifest's name becomes a folder and a file name: only its safe characters (a name such as
        // "../../x" must not write outside --to)
        String fallback = results.toAbsolutePath().normalize().getFileName() == null ? "results"
                : results.toAbsolutePath().normalize().getFileName().toString();
        String name = safeName(manifest.path("name").asText(""), fallback);
        if ("search".equals(manifest.path("mode").asText())) name = name + "-search";
        String description = manifest.path("description").asText("");
        Path dir = to.resolve(name);
        Files.createDirectories(dir);
        for (String f : List.of("points.csv", "pareto.csv", "manifest.json", "pareto.svg")) {
            Path src = results.resolve(f);
            if (Files.exists(src)) Files.copy(src, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        ObjectNode nb = json.createObjectNode();
        nb.put("nbformat", 4);
        nb.put("nbformat_minor", 4);
        ObjectNode meta = nb.putObject("metadata");
        ObjectNode kernel = meta.putObject("kernelspec");
        kernel.put("name", "python3");
        kernel.put("display_name", "Python 3");
        kernel.put("language", "python");
        meta.putObject("language_info").put("name", "python");
        ArrayNode cells = nb.putArray("cells");
        markdown(cells, "# " + name + "\n\n" + (description.isEmpty() ? "" : description + "\n\n")
                + "Exported by `astradse export` from `" + results + "`. The data files sit beside this notebook "
                + "(`points.csv`: every evaluated design point; `pareto.csv`: the non-dominated ones, by cost; "
                + "`manifest.json`: the spec and run). Times are in ns in the CSVs, costs in $.");
        code(cells, """
                import json
                import pandas as pd
                import matplotlib.pyplot as plt
                from matplotlib.ticker import FuncFormatter

                points = pd.read_csv("points.csv")
                pareto = pd.read_csv("pareto.csv")
                with open("manifest.json") as f:
                    manifest = json.load(f)
                ok = points[points["status"] == "ok"]
                counts = points["status"].value_counts().to_dict()
                print(f"{len(points):,} design points: {counts}; Pareto front: {len(pareto)} points")
                params = list(points.columns[points.columns.get_loc("error") + 1 : points.columns.get_loc("npus")])
                print("swept parameters:", params)""");
        code(cells, """
                # units: time in ms (s for long runs), cost in $ with thousands separators
                scale, unit = (1e9, "s") if ok["end_to_end_ns"].max() >= 10e9 else (1e6, "ms")
                dollars = FuncFormatter(lambda v, _: f"${v:,.0f}")

                def spans_decades(values):
                    values = values[values > 0]
                    return len(values) > 0 and values.max() / values.min() >= 100

                fig, ax = plt.subplots(figsize=(9, 6))
                ax.scatter(ok["network_cost_usd"], ok["end_to_end_ns"] / scale, s=10, color="0.6", alpha=0.4,
                           label=f"design points ({len(ok):,} ok)")
                ax.plot(pareto["network_cost_usd"], pareto["end_to_end_ns"] / scale, "-D", color="#c81e1e", ms=4,
                        label=f"Pareto front ({len(pareto)})")
                if spans_decades(ok["network_cost_usd"]):
                    ax.set_xscale("log")
                if spans_decades(ok["end_to_end_ns"]):
                    ax.set_yscale("log")
                ax.xaxis.set_major_formatter(dollars)
                ax.set_xlabel("network cost ($)")
                ax.set_ylabel(f"training time ({unit})")
                ax.set_title(manifest.get("name", "") + ": training time vs network cost")
                ax.grid(alpha=0.3)
                ax.legend()
                plt.show()""");
        code(cells, """
                # the front as a table, cheapest first
                pareto[params + ["end_to_end_ns", "network_cost_usd"]]""");
        code(cells, """
                # one view per swept parameter: training time against its values
                for p in params:
                    fig, ax = plt.subplots(figsize=(8, 4))
                    column = ok[p]
                    if pd.api.types.is_numeric_dtype(column):
                        ax.scatter(column, ok["end_to_end_ns"] / scale, s=10, alpha=0.4)
                    else:
                        groups = list(ok.groupby(p))
                        ax.boxplot([g["end_to_end_ns"] / scale for _, g in groups])
                        ax.set_xticks(range(1, len(groups) + 1), [str(k) for k, _ in groups], rotation=15)
                    ax.set_xlabel(p)
                    ax.set_ylabel(f"training time ({unit})")
                    ax.set_title(f"training time by {p}")
                    ax.grid(alpha=0.3)
                    plt.tight_layout()
                    plt.show()""");
        Path notebook = dir.resolve(name + ".ipynb");
        json.enable(SerializationFeature.INDENT_OUTPUT).writeValue(notebook.toFile(), nb);
        return notebook;
    }

    private static void markdown(ArrayNode cells, String text) {
        ObjectNode c = cells.addObject();
        c.put("cell_type", "markdown");
        c.putObject("metadata");
        source(c, text);
    }

    private static void code(ArrayNode cells, String text) {
        ObjectNode c = cells.addObject();
        c.put("cell_type", "code");
        c.putNull("execution_count");
        c.putObject("metadata");
        c.putArray("outputs");
        source(c, text.strip());
    }

    private static void source(ObjectNode cell, String text) {
        ArrayNode src = cell.putArray("source");
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) src.add(i + 1 < lines.length ? lines[i] + "\n" : lines[i]);
    }
}
