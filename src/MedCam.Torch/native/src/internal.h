// Internal helpers shared by the shim's translation units: the failure type, the boundary catch macro, the
// thread-count re-application, and the structs behind the opaque handles.
#pragma once

#include <medcam/mc_common.h>

#include <ATen/core/Tensor.h>
#include <c10/util/Exception.h>

#include <stdexcept>
#include <string>
#include <vector>

struct mc_tensor {
    at::Tensor value;  // float32, CPU, contiguous
};

struct mc_explain {
    mc_tensor logits;
    std::vector<mc_tensor> activations;
    std::vector<mc_tensor> gradients;
};

namespace medcam {

// A failure the shim diagnosed itself, with the status the caller should see.
class Failure : public std::runtime_error {
public:
    Failure(mc_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
    mc_status status() const noexcept { return status_; }

private:
    mc_status status_;
};

void set_last_error(const std::string& message);
void clear_last_error();

// The line of a (possibly multi-line) libtorch message that says what went wrong: TorchScript interpreter errors
// carry a serialized-code traceback whose last non-empty line is the real message; c10::Error appends
// "Exception raised from ..." context that users do not need.
std::string meaningful_message(const std::exception& error);

// Applies the process-wide intra-op thread count on the calling thread when it differs from what this thread
// last applied (OpenMP keeps thread counts per thread).
void apply_thread_settings();

// Runs a call into libtorch; any libtorch failure becomes a Failure with the given status and context prefix.
template <class F>
auto rethrow_as(mc_status status, const std::string& context, F&& call) -> decltype(call()) {
    try {
        return call();
    } catch (const Failure&) {
        throw;
    } catch (const std::exception& error) {
        throw Failure(status, context + meaningful_message(error));
    }
}

inline mc_tensor to_result(const at::Tensor& tensor) {
    return mc_tensor{tensor.detach().to(at::kCPU, at::kFloat).contiguous()};
}

}  // namespace medcam

// Every entry point body goes through this: no C++ exception may cross the C ABI (an uncaught c10::Error aborts
// the process).
#define MC_TRY                       \
    medcam::clear_last_error();      \
    try {
#define MC_CATCH                                                        \
    }                                                                   \
    catch (const medcam::Failure& failure) {                            \
        medcam::set_last_error(failure.what());                         \
        return failure.status();                                        \
    }                                                                   \
    catch (const c10::Error& error) {                                   \
        medcam::set_last_error(medcam::meaningful_message(error));      \
        return MC_ERR_TORCH;                                            \
    }                                                                   \
    catch (const std::exception& error) {                               \
        medcam::set_last_error(medcam::meaningful_message(error));      \
        return MC_ERR_STD;                                              \
    }                                                                   \
    catch (...) {                                                       \
        medcam::set_last_error("unknown native exception");             \
        return MC_ERR_UNKNOWN;                                          \
    }                                                                   \
    return MC_OK;

#define MC_REQUIRE(condition, message)                                 \
    do {                                                               \
        if (!(condition)) throw medcam::Failure(MC_ERR_ARGUMENT, message); \
    } while (0)
