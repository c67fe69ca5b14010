// Runtime facts (version, CUDA) and the intra-op thread setting.
#include "internal.h"

#include <medcam/mc_runtime.h>

#include <ATen/Parallel.h>
#include <torch/csrc/jit/python/update_graph_executor_opt.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <atomic>

namespace {
// 0 = not set by the caller: leave libtorch's own default alone.
std::atomic<int32_t> requested_threads{0};
thread_local int32_t applied_threads = 0;
// TorchScript graph-executor optimisation (libtorch keeps it per thread): -1 = leave libtorch's default (on).
std::atomic<int32_t> requested_optimize{-1};
thread_local int32_t applied_optimize = -1;
}  // namespace

namespace medcam {
void apply_thread_settings() {
    const auto wanted = requested_threads.load(std::memory_order_relaxed);
    if (wanted > 0 && wanted != applied_threads) {
        at::set_num_threads(wanted);
        applied_threads = wanted;
    }

    const auto optimize = requested_optimize.load(std::memory_order_relaxed);
    if (optimize >= 0 && optimize != applied_optimize) {
        torch::jit::setGraphExecutorOptimize(optimize != 0);
        applied_optimize = optimize;
    }
}
}  // namespace medcam

extern "C" MC_API const char* mc_runtime_torch_version(void) { return TORCH_VERSION; }

extern "C" MC_API mc_status mc_runtime_cuda_available(int32_t* available) {
    MC_TRY
    MC_REQUIRE(available != nullptr, "available must not be null");
    *available = torch::cuda::is_available() ? 1 : 0;
    MC_CATCH
}

extern "C" MC_API mc_status mc_runtime_cuda_device_count(int32_t* count) {
    MC_TRY
    MC_REQUIRE(count != nullptr, "count must not be null");
    *count = static_cast<int32_t>(torch::cuda::device_count());
    MC_CATCH
}

extern "C" MC_API mc_status mc_runtime_set_num_threads(int32_t threads) {
    MC_TRY
    MC_REQUIRE(threads > 0, "the thread count must be positive");
    requested_threads.store(threads, std::memory_order_relaxed);
    medcam::apply_thread_settings();
    MC_CATCH
}

extern "C" MC_API mc_status mc_runtime_get_num_threads(int32_t* threads) {
    MC_TRY
    MC_REQUIRE(threads != nullptr, "threads must not be null");
    medcam::apply_thread_settings();
    *threads = static_cast<int32_t>(at::get_num_threads());
    MC_CATCH
}

extern "C" MC_API mc_status mc_runtime_set_graph_optimize(int32_t enabled) {
    MC_TRY
    MC_REQUIRE(enabled == 0 || enabled == 1, "enabled must be 0 or 1");
    requested_optimize.store(enabled, std::memory_order_relaxed);
    medcam::apply_thread_settings();
    MC_CATCH
}

extern "C" MC_API mc_status mc_runtime_get_graph_optimize(int32_t* enabled) {
    MC_TRY
    MC_REQUIRE(enabled != nullptr, "enabled must not be null");
    medcam::apply_thread_settings();
    *enabled = torch::jit::getGraphExecutorOptimize() ? 1 : 0;
    MC_CATCH
}
