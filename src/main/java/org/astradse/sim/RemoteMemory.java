package org.astradse.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.astradse.InputException;
import org.astradse.network.NetworkConfig;

/**
 * ASTRA-sim 2.0's analytical remote memory ({@code --remote-memory-configuration}, SEMANTICS-ET 2.7): a MEM_LOAD or
 * MEM_STORE of s bytes takes {@code latency + ⌊s / bw⌋} ns, bw in bytes per ns (= GB/s with GB = 10^9 B).
 *
 * @param kind         which memory
 * @param latencyNs    remote-mem-latency, ns
 * @param bytesPerNs   remote-mem-bw, bytes per ns
 * @param npusPerNode  PER_NODE: consecutive ranks sharing one memory queue
 * @param nodes        PER_NODE: number of such queues
 */
public record RemoteMemory(Kind kind, long latencyNs, long bytesPerNs, int npusPerNode, int nodes) {
    public enum Kind { NO_MEMORY_EXPANSION, PER_NPU_MEMORY_EXPANSION, PER_NODE_MEMORY_EXPANSION, MEMORY_POOL }

    public static final RemoteMemory NONE = new RemoteMemory(Kind.NO_MEMORY_EXPANSION, 0, 1, 1, 1);

    /** Duration of one access of {@code bytes}. */
    public long accessNs(long bytes) {
        return latencyNs + bytes / bytesPerNs;
    }

    public static RemoteMemory parse(Path file) {
        JsonNode root = NetworkConfig.readTree(file, new ObjectMapper());
        if (!root.isObject()) throw InputException.at(file, null, "expected a JSON object with memory-type");
        JsonNode t = root.get("memory-type");
        if (t == null || !t.isTextual()) throw InputException.at(file, "memory-type", "missing; expected one of "
                + java.util.Arrays.toString(Kind.values()));
        Kind kind;
        try {
            kind = Kind.valueOf(t.asText());
        } catch (IllegalArgumentException e) {
            throw InputException.at(file, "memory-type", "unknown memory type " + t + "; expected one of "
                    + java.util.Arrays.toString(Kind.values()));
        }
        // a misspelt key would be dropped without a word (remote-mem-bandwith): the format's keys only
        org.astradse.Keys.allow(root, file, "", java.util.List.of("memory-type", "remote-mem-latency", "remote-mem-bw", "num-npus-per-node",
                "num-nodes"));
        if (kind == Kind.NO_MEMORY_EXPANSION) return NONE;
        long lat = unsigned(root, "remote-mem-latency", file, 0);
        long bw = unsigned(root, "remote-mem-bw", file, 1);
        int perNode = 1;
        int nodes = 1;
        if (kind == Kind.PER_NODE_MEMORY_EXPANSION) {
            perNode = (int) Math.min(Integer.MAX_VALUE, unsigned(root, "num-npus-per-node", file, 1));
            long n = unsigned(root, "num-nodes", file, 1);
            if (n > NetworkConfig.MAX_NPUS)
                throw InputException.at(file, "num-nodes", "expected at most " + NetworkConfig.MAX_NPUS + ", found " + n);
            nodes = (int) n;
        }
        return new RemoteMemory(kind, lat, bw, perNode, nodes);
    }

    private static long unsigned(JsonNode root, String key, Path file, long min) {
        JsonNode v = root.get(key);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber())
            throw InputException.at(file, key, (v == null || v.isNull() ? "missing; " : "") + "expected an integer >= " + min
                    + (key.equals("remote-mem-bw") ? " (bytes per ns)" : key.equals("remote-mem-latency") ? " (ns)" : "")
                    + (v == null || v.isNull() ? "" : ", found " + v));
        long x = v.asLong();
        if (x < min) throw InputException.at(file, key, "expected an integer >= " + min + ", found " + x);
        return x;
    }
}
