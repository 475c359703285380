package org.astradse.workload.llm;

/**
 * The closed forms of LLM-MODEL.md: parameter counts (§1), model FLOPs (§2.2) and activation bytes (§3.2). Pure
 * functions of the model (and, for activations, the layout). Biases are ignored, as in Megatron's counting.
 */
public final class LlmMath {
    private LlmMath() {
    }

    /**
     * Q, K, V and O projections of one layer: 2·h·a·d + 2·h·g·d (§1). MLA: h·r_q + r_q·a·d_qk (or h·a·d_qk without a
     * query latent), h·(r_kv + d_rope) + r_kv·a·(d + d_v), and a·d_v·h.
     */
    public static double attentionParams(TransformerModel m) {
        TransformerModel.Mla x = m.mla();
        double h = m.hidden();
        double a = m.heads();
        if (x == null) return 2.0 * h * a * m.headDim() + 2.0 * h * m.kvHeads() * m.headDim();
        double q = x.qLoraRank() > 0 ? h * x.qLoraRank() + x.qLoraRank() * a * m.qkDim() : h * a * m.qkDim();
        double kv = h * (x.kvLoraRank() + x.ropeDim()) + x.kvLoraRank() * a * (m.headDim() + m.vDim());
        return q + kv + a * m.vDim() * h;
    }

    /**
     * The attention parameters every TP rank holds whole: MLA's latent down-projections h·r_q and h·(r_kv + d_rope)
     * (Megatron replicates them); none for standard attention.
     */
    public static double attentionParamsReplicated(TransformerModel m) {
        TransformerModel.Mla x = m.mla();
        if (x == null) return 0;
        double h = m.hidden();
        return (x.qLoraRank() > 0 ? h * x.qLoraRank() : 0) + h * (x.kvLoraRank() + x.ropeDim());
    }

    /** The attention core's width per token: a·(d_qk + d_v) (= 2·a·d for standard attention). */
    public static double attentionCoreWidth(TransformerModel m) {
        return (double) m.heads() * (m.qkDim() + m.vDim());
    }

    /** One MLP of FFN width {@code f}: 3·h·f gated (gate, up, down), 2·h·f plain. */
    public static double mlpParams(TransformerModel m, long f) {
        return (m.gatedMlp() ? 3.0 : 2.0) * m.hidden() * f;
    }

    /** Norms of one layer: 2h (RMSNorm/LayerNorm weights; biases ignored). */
    public static double normParams(TransformerModel m) {
        return 2.0 * m.hidden();
    }

    /** The MLP of layer {@code i} (0-based): dense for dense models and the leading dense layers, else all experts. */
    public static double mlpParamsOfLayer(TransformerModel m, int i) {
        if (!m.moeLayer(i)) return mlpParams(m, m.ffnHidden());
        return m.experts() * mlpParams(m, m.expertFfnHidden()) + m.sharedExperts() * mlpParams(m, m.expertFfnHidden())
                + (double) m.hidden() * m.experts();
    }

    /** The MLP parameters a token meets in layer {@code i}: k routed + shared experts + router in a MoE layer. */
    public static double activeMlpParamsOfLayer(TransformerModel m, int i) {
        if (!m.moeLayer(i)) return mlpParams(m, m.ffnHidden());
        return (m.topk() + m.sharedExperts()) * mlpParams(m, m.expertFfnHidden()) + (double) m.hidden() * m.experts();
    }

    /** Embedding parameters: V·h input, another V·h output layer unless tied. */
    public static double embeddingParams(TransformerModel m) {
        return (m.tiedEmbeddings() ? 1.0 : 2.0) * m.vocab() * m.hidden();
    }

    public static double totalParams(TransformerModel m) {
        double p = embeddingParams(m) + m.hidden(); // + the final norm
        for (int i = 0; i < m.layers(); i++) p += attentionParams(m) + normParams(m) + mlpParamsOfLayer(m, i);
        return p + m.mtpLayers() * (attentionParams(m) + normParams(m) + mlpParamsOfLayer(m, m.layers() - 1) + mtpExtra(m));
    }

    /** A multi-token-prediction module's own parameters beside its layer: the 2h → h projection and two norms. */
    static double mtpExtra(TransformerModel m) {
        return 2.0 * m.hidden() * m.hidden() + 2.0 * m.hidden();
    }

    /** Parameters a token meets (MoE "active"): all but the unrouted experts; the input embedding included. */
    public static double activeParams(TransformerModel m) {
        double p = embeddingParams(m) + m.hidden();
        for (int i = 0; i < m.layers(); i++) p += attentionParams(m) + normParams(m) + activeMlpParamsOfLayer(m, i);
        return p + m.mtpLayers() * (attentionParams(m) + normParams(m) + activeMlpParamsOfLayer(m, m.layers() - 1) + mtpExtra(m));
    }

    /**
     * Megatron's model FLOPs per token of one training iteration (forward + backward = 3 × forward, no recompute,
     * §2.2): 3·[Σ_layers 2·(attention + active MLP parameters) + L·c·s·a·d + 2·h·V], with c = 4 counting the
     * attention core non-causally (Megatron-Core r0.8.0, NeMo 24.07, Korthikanti: every query against all s keys)
     * and c = 2 causally (current Megatron-LM, Megatron-Bridge 25.09+: the causal mask halves it).
     */
    public static double modelFlopsPerToken(TransformerModel m, boolean causal) {
        double layers = 0;
        for (int i = 0; i < m.layers(); i++) layers += 2 * (attentionParams(m) + activeMlpParamsOfLayer(m, i));
        // QKᵀ and AV: 2·s·a·(d_qk + d_v) per token non-causal (4·s·a·d for standard heads), half of it causal
        double attn = (double) m.layers() * (causal ? 1 : 2) * m.seqLen() * attentionCoreWidth(m);
        // each multi-token-prediction module: its layer, its projection and another pass through the output head
        double mtp = m.mtpLayers() * (2 * (attentionParams(m) + activeMlpParamsOfLayer(m, m.layers() - 1) + 2.0 * m.hidden()
                * m.hidden()) + (causal ? 1 : 2) * m.seqLen() * attentionCoreWidth(m) + 2.0 * m.hidden() * m.vocab());
        return 3 * (layers + attn + mtp + 2.0 * m.hidden() * m.vocab());
    }

    /**
     * Activation bytes one layer stores for one micro-batch on one GPU (Korthikanti et al. 2022 §4, 16-bit
     * activations, written per element so GQA, a·d ≠ h, gated MLPs, MoE and FP8 follow): per token
     * <pre>
     *   unsplit (÷t only with SP): two norm inputs 4h, QKV input 2h, MLP input 2h, two dropout masks 2·1h
     *   split by TP:  Q 2ad, K and V 4gd, output-projection input 2ad, MLP 4f (GELU in/out) or 6f (gate and up 4f,
     *                 SwiGLU output 2f)
     *   unfused attention only: scores 5·a·s (softmax output 2, dropout mask 1, dropout output 2 bytes per score)
     * </pre>
     * For GPT shapes this is Korthikanti's sbh·(10 + 24/t + 5as/(ht)). Models without dropout (Llama-style recipes)
     * store no masks. With FP8 GEMMs (Transformer Engine) a GEMM keeps its input as the 1-byte cast it multiplied:
     * QKV and MLP inputs 1h each, the second MLP GEMM's input 1f; the output projection's 1-byte copy adds ad to
     * the 16-bit attention output fused attention keeps. Selective recompute drops the score term (it is what is
     * recomputed; fused attention never stores it); full recompute keeps only the layer input, 2h (÷t with SP). A
     * MoE layer stores its dispatched tokens (k copies of its input, te/t of them per rank) and their experts' MLP
     * activations.
     *
     * @param tokens tokens of the micro-batch on this GPU's CP shard (b·s/c); the score term uses the full s
     */
    public static double activationBytesPerLayer(TransformerModel m, ParallelConfig p, int layer, double tokens) {
        double h = m.hidden();
        double t = p.tp();
        double unsplitDiv = p.sp() ? t : 1;
        if (p.recompute().equals("full")) return tokens * 2 * h / unsplitDiv;
        boolean fp8 = p.precision().equals("fp8");
        double in = fp8 ? 1 : 2; // bytes of a stored GEMM input
        double ad = (double) m.heads() * m.vDim();
        double unsplit = 4 * h + 2 * in * h + (m.dropout() ? 2 * h : 0);
        // Q and K of the core (a·d_qk and g·d_qk), V (g·d_v), the output projection's input (a·d_v); MLA: every head
        // its own K and V, plus the two latents
        double kvHeads = m.mla() == null ? m.kvHeads() : m.heads();
        double attention = 2 * m.heads() * m.qkDim() + 2 * kvHeads * (m.qkDim() + m.vDim()) + 2 * ad + (fp8 ? ad : 0);
        if (m.mla() != null) attention += 2 * (m.mla().qLoraRank() + m.mla().kvLoraRank()) * t; // replicated: not split
        boolean moe = m.moeLayer(layer);
        double mlp;
        if (moe) {
            double perExpert = mlpActivation(m, m.expertFfnHidden(), fp8);
            // a rank holds te/t of the micro-batch's dispatched token copies (the dispatcher takes the TP shard's
            // tokens, the expert-TP group shares them), each its input and 1/te of the expert's activations
            mlp = m.topk() * (p.expertTp() * in * h + perExpert) / t + m.sharedExperts() * perExpert / t;
        } else {
            mlp = mlpActivation(m, m.ffnHidden(), fp8) / t;
        }
        double bytes = tokens * (unsplit / unsplitDiv + attention / t + mlp);
        boolean scoresStored = p.attention().equals("unfused") && !p.recompute().equals("selective");
        if (scoresStored) bytes += tokens * (m.dropout() ? 5.0 : 2.0) * m.heads() * m.seqLen() / t;
        return bytes;
    }

    /** Bytes per token an MLP of width f stores: its first GEMM's output(s) in 16 bits and the second's input. */
    static double mlpActivation(TransformerModel m, long f, boolean fp8) {
        double first = (m.gatedMlp() ? 4.0 : 2.0) * f;
        return first + (fp8 ? 1.0 : 2.0) * f;
    }
}
