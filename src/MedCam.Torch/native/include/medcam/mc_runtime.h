/* MedCam libtorch shim: process-wide runtime facts and settings. */
#ifndef MEDCAM_MC_RUNTIME_H
#define MEDCAM_MC_RUNTIME_H

#include "mc_common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The libtorch version this shim was compiled against, e.g. "1.13.0" (static string, never freed). */
MC_API const char* mc_runtime_torch_version(void);

/* 1 when libtorch was built with CUDA and at least one device is visible. */
MC_API mc_status mc_runtime_cuda_available(int32_t* available);
MC_API mc_status mc_runtime_cuda_device_count(int32_t* count);

/* Intra-op threads for every later call. OpenMP thread counts belong to the calling thread, so the shim re-applies
 * this value on whichever thread enters it next (see mc_model.h). */
MC_API mc_status mc_runtime_set_num_threads(int32_t threads);
MC_API mc_status mc_runtime_get_num_threads(int32_t* threads);

/* TorchScript graph-executor optimisation (profiling, fusion) for every later call, 1 = on (libtorch's default),
 * 0 = off. libtorch keeps it per thread, so the shim re-applies it like the thread count. Off makes the first calls
 * of a freshly loaded module several times faster (no profiling runs) at little cost later on CPU. */
MC_API mc_status mc_runtime_set_graph_optimize(int32_t enabled);
MC_API mc_status mc_runtime_get_graph_optimize(int32_t* enabled);

#ifdef __cplusplus
}
#endif

#endif
