package org.astradse.workload.llm;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.astradse.InputException;
import org.astradse.hw.Profiles;

/**
 * A decoder-only transformer's shape (LLM-MODEL.md §1 notation): {@code L} layers, hidden {@code h}, FFN hidden
 * {@code f}, {@code a} query heads of {@code d} dimensions, {@code g} KV heads, vocabulary {@code V}, sequence
 * {@code s}; a gated (SwiGLU) or plain (GELU) MLP; and for a mixture of experts {@code E} routed experts of FFN
 * {@code f_e}, top-{@code k}, shared experts and a number of dense layers first. Bundled models are YAML files under
 * {@code org/astradse/workload/llm/models/}, each with its source.
 *
 * @param name            a bundled model's name, or the file it was read from
 * @param source          where the shape comes from
 * @param layers          L
 * @param hidden          h
 * @param ffnHidden       f (dense layers' MLP)
 * @param heads           a
 * @param kvHeads         g (= a for multi-head attention)
 * @param headDim         d (h / a unless given: Qwen3 uses 128 with a·d ≠ h)
 * @param vocab           V
 * @param seqLen          s
 * @param gatedMlp        SwiGLU (3 matrices) rather than GELU (2)
 * @param tiedEmbeddings  the output layer shares the input embedding
 * @param experts         E (0: a dense model)
 * @param topk            k
 * @param expertFfnHidden f_e
 * @param sharedExperts   always-active experts per MoE layer (FFN f_e each)
 * @param denseLayers     leading layers with a dense MLP in a MoE model
 * @param mla             multi-head latent attention (DeepSeek-V2/V3), or null for standard attention
 * @param mtpLayers       multi-token-prediction modules (DeepSeek-V3 §2.2: each a transformer layer of the last
 *                        layer's kind and a 2h → h projection, sharing the embedding and the output head), on the last
 *                        pipeline stage
 * @param dropout         dropout layers present (they store 1-byte masks): GPT-style models trained with dropout 0.1;
 *                        off by default for gated (Llama-style) models, whose recipes set it to 0
 */
public record TransformerModel(String name, String source, int layers, long hidden, long ffnHidden, int heads, int kvHeads,
                               long headDim, long vocab, long seqLen, boolean gatedMlp, boolean tiedEmbeddings, int experts,
                               int topk, long expertFfnHidden, int sharedExperts, int denseLayers, boolean dropout, Mla mla,
                               int mtpLayers) {

    /**
     * Multi-head latent attention (DeepSeek-V2 §2.1, V3 §2.1.1): queries through a rank-{@code qLoraRank} latent (0: a
     * plain projection), keys and values through a shared rank-{@code kvLoraRank} latent, each head's query/key of
     * {@code headDim} (no positional part) + {@code ropeDim} dimensions and its value of {@code vHeadDim}.
     */
    public record Mla(long qLoraRank, long kvLoraRank, long ropeDim, long vHeadDim) {
    }

    /** A head's query/key dimensions (the attention core's QKᵀ width): d, or d + rope with MLA. */
    public long qkDim() {
        return mla == null ? headDim : headDim + mla.ropeDim();
    }

    /** A head's value dimensions: d, or MLA's v_head_dim. */
    public long vDim() {
        return mla == null ? headDim : mla.vHeadDim();
    }

    /** The bundled models (a contract: names users and checks write). */
    public static final List<String> NAMES = List.of("gpt3-5b", "gpt3-20b", "gpt3-175b", "gpt-22b", "llama2-7b",
            "llama2-13b", "llama2-70b", "llama3-8b", "llama3-70b", "llama3-405b", "llama3.1-8b", "llama3.1-70b",
            "llama3.1-405b", "mixtral-8x7b", "mixtral-8x22b", "qwen3-8b", "qwen3-32b", "qwen3-30b-a3b", "qwen3-235b-a22b",
            "nemotron4-15b", "nemotron4-340b", "deepseek-v3");

    private static final Profiles<TransformerModel> BUNDLED = new Profiles<>("model", TransformerModel.class, "models", NAMES,
            (t, f) -> fromTree(t, f, ""));

    public boolean moe() {
        return experts > 0;
    }

    /** Layers the pipeline splits: the model's and its multi-token-prediction modules'. */
    public int pipelineLayers() {
        return layers + mtpLayers;
    }

    /**
     * Whether layer {@code i} (0-based; a multi-token-prediction module's layer, i ≥ layers, takes the last layer's
     * kind) has a MoE MLP: in a MoE model, all but the leading dense layers.
     */
    public boolean moeLayer(int i) {
        return moe() && Math.min(i, layers - 1) >= denseLayers;
    }

    /** MoE layers: all but the leading dense ones (none in a dense model). */
    public int moeLayers() {
        return moe() ? layers - denseLayers : 0;
    }

    /** A bundled model by name or a model file. */
    public static TransformerModel named(String nameOrFile) {
        return BUNDLED.named(nameOrFile);
    }

    /** {@link #named(String)} with a file name relative to {@code base}. */
    public static TransformerModel named(String nameOrFile, Path base) {
        return BUNDLED.named(nameOrFile, base);
    }

    /** A bundled model's mapping as its file writes it (a study editing its keys starts from it), or null. */
    public static JsonNode bundledTree(String name) {
        return BUNDLED.bundledTree(name);
    }

    /** A {@code model:} mapping (keys as in the contract), prefixed {@code at} in errors. */
    /** Most transformer layers a model may have (today's largest have ~130; the trainer keeps per-layer tables). */
    static final int MAX_LAYERS = 10_000;

    public static TransformerModel fromTree(JsonNode m, Path file, String at) {
        if (m == null || !m.isObject())
            throw InputException.at(file, at.isEmpty() ? "model" : at.substring(0, at.length() - 1),
                    (m == null ? "missing" : "found " + m) + "; expected a bundled model " + NAMES
                            + " or a mapping (layers, hidden, ffn-hidden, heads, …)");
        Fields f = new Fields(m, file, at);
        f.allow("name", "source", "layers", "hidden", "ffn-hidden", "heads", "kv-heads", "head-dim", "vocab", "seq-len",
                "gated-mlp", "tied-embeddings", "experts", "topk", "expert-ffn-hidden", "shared-experts", "dense-layers",
                "dropout", "q-lora-rank", "kv-lora-rank", "qk-rope-dim", "v-head-dim", "mtp-layers");
        int layers = f.positiveInt("layers", null, MAX_LAYERS);
        long hidden = f.positiveInt("hidden", null);
        int heads = f.positiveInt("heads", null);
        int kv = f.positiveInt("kv-heads", heads);
        if (heads % kv != 0)
            throw InputException.at(file, at + "kv-heads", "kv-heads " + kv + " does not divide heads " + heads
                    + " (grouped-query attention shares each KV head among heads/kv-heads query heads)");
        long headDim = f.positiveInt("head-dim", (int) Math.max(1, hidden / heads));
        if (!m.has("head-dim") && hidden % heads != 0)
            throw InputException.at(file, at + "heads", "heads " + heads + " does not divide hidden " + hidden
                    + "; give head-dim");
        int experts = f.nonNegativeInt("experts", 0);
        // a model that does not say experts is dense: a non-zero MoE key on it is a model meant to be MoE (written
        // experts: 0 states a dense model on purpose — a study sweeping experts [8, 0] — and its MoE keys are unused)
        if (experts == 0 && !f.has("experts"))
            for (String k : List.of("topk", "expert-ffn-hidden", "shared-experts", "dense-layers"))
                if (f.has(k) && f.nonNegativeInt(k, 0) > 0)
                    throw InputException.at(file, at + k, f.nonNegativeInt(k, 0) + " on a dense model (experts 0 or absent); give "
                            + "experts for an MoE model, or leave " + k + " out");
        // an MoE model says how many experts a token visits: no default stands in for it
        if (experts > 0 && !f.has("topk"))
            throw InputException.at(file, at + "topk", "missing; an MoE model (experts " + experts + ") gives the experts per token");
        int topk = f.nonNegativeInt("topk", 0);
        if (experts > 0 && (topk < 1 || topk > experts))
            throw InputException.at(file, at + "topk", "expected 1 ≤ topk ≤ experts (" + experts + "), found " + topk);
        long ffn = f.positiveInt("ffn-hidden", experts > 0 && m.has("expert-ffn-hidden") ? m.get("expert-ffn-hidden").asInt() : null);
        long effn = experts > 0 ? f.positiveInt("expert-ffn-hidden", (int) ffn) : f.nonNegativeInt("expert-ffn-hidden", 0);
        int dense = f.nonNegativeInt("dense-layers", 0);
        if (dense > layers) throw InputException.at(file, at + "dense-layers", dense + " dense layers in a " + layers + "-layer model");
        if (m.has("name") && !m.get("name").isTextual())
            throw InputException.at(file, at + "name", "expected a string (the model's name), found " + m.get("name"));
        if (m.has("name") && m.get("name").asText().isBlank())
            throw InputException.at(file, at + "name", "has no value; expected the model's name (or leave name out)");
        String name = m.path("name").asText(file == null ? "model" : file.getFileName().toString());
        boolean gated = f.bool("gated-mlp", false);
        Mla mla = null;
        if (m.has("kv-lora-rank")) {
            if (!m.has("head-dim"))
                throw InputException.at(file, at + "head-dim", "missing; an MLA model needs head-dim (the query/key dimensions without RoPE)");
            mla = new Mla(f.nonNegativeInt("q-lora-rank", 0), f.positiveInt("kv-lora-rank", null), f.nonNegativeInt("qk-rope-dim", 0),
                    f.positiveInt("v-head-dim", (int) headDim));
            if (kv != heads) throw InputException.at(file, at + "kv-heads", kv + " with heads " + heads + "; MLA gives every head its own "
                    + "key and value: kv-heads = heads (or leave kv-heads out)");
        } else {
            for (String k : List.of("q-lora-rank", "qk-rope-dim", "v-head-dim"))
                if (m.has(k)) throw InputException.at(file, at + k, "an MLA key without kv-lora-rank (the key/value latent's rank)");
        }
        return new TransformerModel(name, m.path("source").asText(""), layers, hidden, ffn, heads, kv, headDim,
                f.positiveInt("vocab", null), f.positiveInt("seq-len", null), gated,
                f.bool("tied-embeddings", false), experts, topk, effn, f.nonNegativeInt("shared-experts", 0), dense,
                f.bool("dropout", !gated), mla, f.nonNegativeInt("mtp-layers", 0));
    }

    /** A model with another sequence length (a run's {@code seq-len} may override the model's). */
    public TransformerModel withSeqLen(long s) {
        return new TransformerModel(name, source, layers, hidden, ffnHidden, heads, kvHeads, headDim, vocab, s, gatedMlp,
                tiedEmbeddings, experts, topk, expertFfnHidden, sharedExperts, denseLayers, dropout, mla, mtpLayers);
    }
}
