package org.astradse.workload.et;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.astradse.InputException;

/**
 * One rank's dependency graph (SEMANTICS-ET 1.5): nodes in ascending id order (index = rank of the id, so "ascending
 * id" is "ascending index"), each node's parents counted and its children listed (compressed rows). Parents are the
 * union of data and control dependencies; duplicates collapse.
 *
 * @param file        the ET file
 * @param nodes       nodes by index
 * @param parentCount parents per node
 * @param childStart  children of node i are {@code children[childStart[i] .. childStart[i+1])}
 * @param children    child indices
 * @param warnings    what the reference accepts silently but a user should know (duplicate ids, unreachable nodes)
 * @param idOffset    this file's node ids are {@code nodes[i].id() + idOffset} (a rank sharing another rank's equal
 *                    graph, see {@link #sharedAs})
 */
public record EtGraph(Path file, EtNode[] nodes, int[] parentCount, int[] childStart, int[] children, List<String> warnings,
                      long idOffset) {

    public int size() {
        return nodes.length;
    }

    /** The id node {@code i} has in this graph's file. */
    public long idOf(int i) {
        return idOf(nodes[i]);
    }

    /** The id a node of this graph has in this graph's file (messages name nodes so). */
    public long idOf(EtNode node) {
        return node.id() + idOffset;
    }

    /**
     * This graph standing for an equal one ({@link #sameShape}) read from {@code otherFile}, whose ids are this
     * graph's plus {@code offset}: ranks of a uniform trace set share one graph in memory.
     */
    public EtGraph sharedAs(Path otherFile, long offset, List<String> otherWarnings) {
        return new EtGraph(otherFile, nodes, parentCount, childStart, children, otherWarnings, idOffset + offset);
    }

    /** A graph from decoded records in file order ({@code recordParents}: each record's data and control dependencies). */
    public static EtGraph build(Path file, List<EtNode> records, List<long[]> recordParents) {
        List<String> warnings = new ArrayList<>();
        // duplicate ids: the last record supplies the content, the parent sets are united (FD/et_feeder.cpp)
        Map<Long, Integer> last = new HashMap<>();
        Map<Long, long[]> parentsOf = new HashMap<>();
        List<Long> duplicates = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            long id = records.get(i).id();
            Integer before = last.put(id, i);
            long[] p = recordParents.get(i);
            if (before != null) {
                if (duplicates.size() < 10 && !duplicates.contains(id)) duplicates.add(id);
                long[] old = parentsOf.get(id);
                long[] both = Arrays.copyOf(old, old.length + p.length);
                System.arraycopy(p, 0, both, old.length, p.length);
                p = both;
            }
            parentsOf.put(id, p);
        }
        if (!duplicates.isEmpty())
            warnings.add(file + ": duplicate node ids " + duplicates + ": as in the reference, the last record with an id "
                    + "supplies the node and the dependencies of all its records are united");
        // ids are uint64: ascending id is unsigned order, i.e. signed order of the ids with the sign bit flipped
        long[] keys = last.keySet().stream().mapToLong(id -> id ^ Long.MIN_VALUE).sorted().toArray();
        long[] ids = new long[keys.length];
        for (int i = 0; i < keys.length; i++) ids[i] = keys[i] ^ Long.MIN_VALUE;
        int n = ids.length;
        EtNode[] nodes = new EtNode[n];
        for (int i = 0; i < n; i++) nodes[i] = records.get(last.get(ids[i]));

        int[] parentCount = new int[n];
        int[][] parentIdx = new int[n][];
        for (int i = 0; i < n; i++) {
            long[] p = parentsOf.get(ids[i]).clone();
            Arrays.sort(p);
            int[] idx = new int[p.length];
            int k = 0;
            for (int j = 0; j < p.length; j++) {
                if (j > 0 && p[j] == p[j - 1]) continue;
                int at = Arrays.binarySearch(keys, p[j] ^ Long.MIN_VALUE);
                if (at < 0)
                    throw new InputException(file + ": node " + ids[i] + " depends on node " + p[j] + ", which no record of "
                            + "the file defines (the reference aborts: \"not found in index, file might be corrupted\")");
                idx[k++] = at;
            }
            parentIdx[i] = Arrays.copyOf(idx, k);
            parentCount[i] = k;
        }
        int[] childStart = new int[n + 1];
        for (int[] p : parentIdx) for (int q : p) childStart[q + 1]++;
        for (int i = 0; i < n; i++) childStart[i + 1] += childStart[i];
        int[] children = new int[childStart[n]];
        int[] fill = Arrays.copyOf(childStart, n);
        for (int i = 0; i < n; i++) for (int q : parentIdx[i]) children[fill[q]++] = i; // ascending child index per parent

        int roots = 0;
        for (int c : parentCount) if (c == 0) roots++;
        if (roots == 0)
            throw new InputException(file + ": no node is free of dependencies (" + n + " nodes: a full cycle, or no node at "
                    + "all); the reference aborts with \"No dependancy free nodes found\"");

        // nodes on or behind a cycle (a self-dependency too) never become ready: the reference drops them silently
        int[] left = parentCount.clone();
        int[] stack = new int[n];
        int top = 0;
        for (int i = 0; i < n; i++) if (left[i] == 0) stack[top++] = i;
        boolean[] reached = new boolean[n];
        while (top > 0) {
            int v = stack[--top];
            reached[v] = true;
            for (int j = childStart[v]; j < childStart[v + 1]; j++) if (--left[children[j]] == 0) stack[top++] = children[j];
        }
        List<Long> dropped = new ArrayList<>();
        int droppedCount = 0;
        for (int i = 0; i < n; i++) {
            if (!reached[i]) {
                droppedCount++;
                if (dropped.size() < 10) dropped.add(ids[i]);
            }
        }
        if (droppedCount > 0)
            warnings.add(file + ": " + droppedCount + " node(s) " + dropped + (droppedCount > dropped.size() ? " …" : "")
                    + " lie on or behind a dependency cycle (or depend on themselves) and never run; as in the reference, "
                    + "the NPU finishes without them");
        return new EtGraph(file, nodes, parentCount, childStart, children, List.copyOf(warnings), 0);
    }

    /**
     * Whether this graph equals another up to node ids (same structure, same node contents; ids may be offset, as
     * Chakra's converter offsets them per rank) — ranks with such graphs behave alike on a symmetric network.
     */
    public boolean sameShape(EtGraph o) {
        if (o.nodes.length != nodes.length || !Arrays.equals(parentCount, o.parentCount)
                || !Arrays.equals(childStart, o.childStart) || !Arrays.equals(children, o.children)) return false;
        for (int i = 0; i < nodes.length; i++) {
            if (!nodes[i].withId(0).equals(o.nodes[i].withId(0))) return false;
        }
        return true;
    }
}
