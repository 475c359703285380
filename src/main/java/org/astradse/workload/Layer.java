package org.astradse.workload;

/**
 * One layer of a text workload, after --compute-scale / --comm-scale (both truncated to integers at load).
 *
 * @param name          layer name
 * @param fwdComputeNs  forward compute, ns (cycles)
 * @param fwdType       forward-pass collective
 * @param fwdBytes      its input bytes per NPU
 * @param igComputeNs   input-gradient compute
 * @param igType        input-gradient collective
 * @param igBytes       its bytes
 * @param wgComputeNs   weight-gradient compute
 * @param wgType        weight-gradient collective
 * @param wgBytes       its bytes
 * @param updateNs      a collective of this layer counts as finished this long after its last chunk
 * @param parallelism   HYBRID_CUSTOMIZED: this layer's own keyword; otherwise the workload's
 * @param line          the file line its name is on (for messages)
 */
public record Layer(String name, long fwdComputeNs, CommType fwdType, long fwdBytes, long igComputeNs, CommType igType,
                    long igBytes, long wgComputeNs, CommType wgType, long wgBytes, long updateNs, Parallelism parallelism,
                    int line) {
}
