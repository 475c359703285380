package org.astradse.workload;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.astradse.InputException;
import org.astradse.network.InputTokens;

/**
 * An ASTRA-sim 1.0 text workload (SEMANTICS 2.5): a token stream (spaces, tabs and newlines are equivalent).
 *
 * @param parallelism     the file's keyword
 * @param modelParallelGroup HYBRID_TRANSFORMER*: the MP group size G (1 otherwise)
 * @param checkpoints     HYBRID_TRANSFORMER_FWD_IN_BCKWD: checkpoint layer indices
 * @param initiators      HYBRID_TRANSFORMER_FWD_IN_BCKWD: layers whose backward step starts a recomputation
 * @param lastBottom      HYBRID_DLRM*: index of the last bottom-MLP layer
 * @param layers          the layers
 * @param file            where it was read from (for messages; may be null)
 * @param groupLine       the line of the model-parallel group size (0 if none)
 */
public record Workload(Parallelism parallelism, int modelParallelGroup, List<Integer> checkpoints, List<Integer> initiators,
                       int lastBottom, List<Layer> layers, Path file, int groupLine) {

    /** An error found after reading (planning on a network): it names this file and the line. */
    public InputException errorAt(int line, String what, InputException cause) {
        return InputException.at(file, line > 0 ? "line " + line + " (" + what + ")" : what, cause.getMessage());
    }

    /** Reads a workload; sizes × commScale and compute × computeScale are truncated to integers, as the reference. */
    public static Workload parse(Path file, double commScale, double computeScale) {
        InputTokens in = InputTokens.read(file);
        InputTokens.Token kw = in.next("a parallelism keyword");
        Parallelism par = Parallelism.fromKeyword(kw.text());
        if (par == null)
            throw InputException.at(file, "line " + kw.line(), "unknown parallelism '" + kw.text() + "'; expected one of "
                    + java.util.Arrays.toString(Parallelism.values()));
        int group = 1;
        int groupLine = 0;
        List<Integer> checkpoints = new ArrayList<>();
        List<Integer> initiators = new ArrayList<>();
        int lastBottom = -1;
        if (par.transformer()) {
            in.next("the label model_parallel_NPU_group:");
            groupLine = in.peek() == null ? 0 : in.peek().line();
            group = (int) in.number("the model-parallel group size", 1);
            if (par == Parallelism.HYBRID_TRANSFORMER_FWD_IN_BCKWD) {
                in.next("the label checkpoints:");
                long k = in.number("the number of checkpoints", 0);
                for (long i = 0; i < k; i++) checkpoints.add((int) in.number("a checkpoint layer index", 0));
                in.next("the label checkpoint_initiates:");
                long j = in.number("the number of checkpoint initiators", 0);
                for (long i = 0; i < j; i++) initiators.add((int) in.number("an initiator layer index", 0));
            }
        } else if (par.dlrm()) {
            lastBottom = (int) in.number("the index of the last bottom-MLP layer", 0);
        }
        long count = in.number("the number of layers", 1);
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            InputTokens.Token nameToken = in.next("layer " + i + "'s name");
            String name = nameToken.text();
            // the reserved dependency column (-1 in the reference's files) is not used, but the reference reads it as an
            // integer: another token would shift every later column
            InputTokens.Token dep = in.next("layer " + name + "'s dependency");
            if (!dep.text().matches("-?\\d{1,18}"))
                throw InputException.at(file, "line " + dep.line(), "expected layer " + name + "'s dependency (an integer; -1 "
                        + "in the reference's files), found '" + dep.text() + "'");
            long fc = scale(in.number("layer " + name + "'s forward compute", 0), computeScale);
            CommType ft = commType(file, in.next("layer " + name + "'s forward collective type"), name, "forward");
            long fs = scale(in.number("layer " + name + "'s forward collective size", 0), commScale);
            long ic = scale(in.number("layer " + name + "'s input-gradient compute", 0), computeScale);
            CommType it = commType(file, in.next("layer " + name + "'s input-gradient collective type"), name, "input-gradient");
            long is = scale(in.number("layer " + name + "'s input-gradient collective size", 0), commScale);
            long wc = scale(in.number("layer " + name + "'s weight-gradient compute", 0), computeScale);
            CommType wt = commType(file, in.next("layer " + name + "'s weight-gradient collective type"), name, "weight-gradient");
            long ws = scale(in.number("layer " + name + "'s weight-gradient collective size", 0), commScale);
            long update = in.number("layer " + name + "'s update time", 0);
            Parallelism lp = par;
            if (par == Parallelism.HYBRID_CUSTOMIZED) {
                InputTokens.Token t = in.next("layer " + name + "'s parallelism keyword");
                lp = Parallelism.fromKeyword(t.text());
                if (lp == null || lp == Parallelism.HYBRID_CUSTOMIZED)
                    throw InputException.at(file, "line " + t.line(), "unknown layer parallelism '" + t.text() + "'");
            }
            layers.add(new Layer(name, fc, ft, fs, ic, it, is, wc, wt, ws, update, lp, nameToken.line()));
        }
        if (in.hasNext())
            throw InputException.at(file, "line " + in.peek().line(), "unexpected '" + in.peek().text()
                    + "' after the " + count + " layers the header announces");
        if (par.dlrm() && lastBottom >= layers.size())
            throw InputException.at(file, "header", "last bottom-MLP layer " + lastBottom + " but only " + layers.size() + " layers");
        for (int x : checkpoints) if (x >= layers.size()) throw InputException.at(file, "checkpoints", "layer " + x + " does not exist");
        for (int x : initiators) if (x >= layers.size()) throw InputException.at(file, "checkpoint_initiates", "layer " + x + " does not exist");
        return new Workload(par, group, List.copyOf(checkpoints), List.copyOf(initiators), lastBottom, List.copyOf(layers),
                file, groupLine);
    }

    private static CommType commType(Path file, InputTokens.Token t, String layer, String kind) {
        CommType c = CommType.fromToken(t.text());
        if (c == null)
            throw InputException.at(file, "line " + t.line(), "unknown collective type '" + t.text() + "' for layer " + layer
                    + "'s " + kind + " collective; expected NONE, ALLREDUCE, ALLGATHER, REDUCESCATTER or ALLTOALL");
        return c;
    }

    private static long scale(long v, double factor) {
        return factor == 1.0 ? v : (long) (v * factor);
    }
}
