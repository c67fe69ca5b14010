// Accessors of the shim-owned result objects.
#include "internal.h"

#include <medcam/mc_tensor.h>

#include <cstring>

extern "C" MC_API mc_status mc_tensor_rank(const mc_tensor* tensor, int32_t* rank) {
    MC_TRY
    MC_REQUIRE(tensor != nullptr && rank != nullptr, "tensor and rank must not be null");
    *rank = static_cast<int32_t>(tensor->value.dim());
    MC_CATCH
}

extern "C" MC_API mc_status mc_tensor_shape(const mc_tensor* tensor, int64_t* shape, int32_t capacity) {
    MC_TRY
    MC_REQUIRE(tensor != nullptr && shape != nullptr, "tensor and shape must not be null");
    const auto sizes = tensor->value.sizes();
    MC_REQUIRE(capacity >= static_cast<int32_t>(sizes.size()), "the shape buffer is smaller than the rank");
    for (size_t i = 0; i < sizes.size(); ++i) shape[i] = sizes[i];
    MC_CATCH
}

extern "C" MC_API mc_status mc_tensor_numel(const mc_tensor* tensor, int64_t* numel) {
    MC_TRY
    MC_REQUIRE(tensor != nullptr && numel != nullptr, "tensor and numel must not be null");
    *numel = tensor->value.numel();
    MC_CATCH
}

extern "C" MC_API mc_status mc_tensor_data(const mc_tensor* tensor, const float** data) {
    MC_TRY
    MC_REQUIRE(tensor != nullptr && data != nullptr, "tensor and data must not be null");
    *data = tensor->value.data_ptr<float>();
    MC_CATCH
}

extern "C" MC_API mc_status mc_tensor_copy_to(const mc_tensor* tensor, float* destination, int64_t capacity) {
    MC_TRY
    MC_REQUIRE(tensor != nullptr && destination != nullptr, "tensor and destination must not be null");
    const auto numel = tensor->value.numel();
    if (capacity < numel) {
        throw medcam::Failure(MC_ERR_ARGUMENT, "the output buffer holds " + std::to_string(capacity) +
                                                   " floats but the result has " + std::to_string(numel));
    }
    std::memcpy(destination, tensor->value.data_ptr<float>(), static_cast<size_t>(numel) * sizeof(float));
    MC_CATCH
}

extern "C" MC_API void mc_tensor_free(mc_tensor* tensor) { delete tensor; }

extern "C" MC_API mc_status mc_explain_layer_count(const mc_explain* result, int32_t* count) {
    MC_TRY
    MC_REQUIRE(result != nullptr && count != nullptr, "result and count must not be null");
    *count = static_cast<int32_t>(result->activations.size());
    MC_CATCH
}

extern "C" MC_API mc_status mc_explain_logits(const mc_explain* result, const mc_tensor** logits) {
    MC_TRY
    MC_REQUIRE(result != nullptr && logits != nullptr, "result and logits must not be null");
    *logits = &result->logits;
    MC_CATCH
}

extern "C" MC_API mc_status mc_explain_activations(const mc_explain* result, int32_t layer,
                                                   const mc_tensor** activations) {
    MC_TRY
    MC_REQUIRE(result != nullptr && activations != nullptr, "result and activations must not be null");
    MC_REQUIRE(layer >= 0 && static_cast<size_t>(layer) < result->activations.size(), "layer index out of range");
    *activations = &result->activations[static_cast<size_t>(layer)];
    MC_CATCH
}

extern "C" MC_API mc_status mc_explain_gradients(const mc_explain* result, int32_t layer,
                                                 const mc_tensor** gradients) {
    MC_TRY
    MC_REQUIRE(result != nullptr && gradients != nullptr, "result and gradients must not be null");
    MC_REQUIRE(layer >= 0 && static_cast<size_t>(layer) < result->gradients.size(), "layer index out of range");
    *gradients = &result->gradients[static_cast<size_t>(layer)];
    MC_CATCH
}

extern "C" MC_API void mc_explain_free(mc_explain* result) { delete result; }
