/* MedCam libtorch shim: TorchScript models.
 *
 * Inputs are described by (data, length, shape, rank): float32, row-major; the shim checks that the product of
 * shape equals length and wraps data without copying for the duration of the call only.
 *
 * Threading: one mc_model may be used from several threads at once (TorchScript methods are re-entrant and the
 * shim keeps no per-call state in the model). */
#ifndef MEDCAM_MC_MODEL_H
#define MEDCAM_MC_MODEL_H

#include "mc_common.h"
#include "mc_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mc_model mc_model;

/* Loads a TorchScript archive onto device ("cpu", "cuda", "cuda:N"). */
MC_API mc_status mc_model_load(const char* path, const char* device, mc_model** model);
MC_API void mc_model_free(mc_model* model);

/* The layers the model can be explained at, in network order. name is borrowed (lives with the model). */
MC_API mc_status mc_model_layer_count(const mc_model* model, int32_t* count);
MC_API mc_status mc_model_layer_name(const mc_model* model, int32_t index, const char** name);
/* 1 when mc_model_head works for that layer (the model is split there). */
MC_API mc_status mc_model_layer_has_head(const mc_model* model, int32_t index, int32_t* has_head);

/* Logits of forward(x) without autograd. */
MC_API mc_status mc_model_forward(mc_model* model, const float* data, int64_t length, const int64_t* shape,
                                  int32_t rank, mc_tensor** logits);

/* forward on chunks of at most max_batch samples along dimension 0, concatenated. */
MC_API mc_status mc_model_forward_batched(mc_model* model, const float* data, int64_t length, const int64_t* shape,
                                          int32_t rank, int32_t max_batch, mc_tensor** logits);

/* Logits from activations of one layer (the part of the network after it), without autograd. */
MC_API mc_status mc_model_head(mc_model* model, const char* layer, const float* data, int64_t length,
                               const int64_t* shape, int32_t rank, mc_tensor** logits);

/* A target class that stands for the sample's predicted class in the same pass (the first maximum of its logits):
 * classification and explanation in one forward. */
#define MC_TARGET_PREDICTED (-1)

/* Activations at the named layers and the gradient of sum_n logits[n, classes[n]] with respect to them
 * (classes[n] may be MC_TARGET_PREDICTED). */
MC_API mc_status mc_model_explain_classes(mc_model* model, const float* data, int64_t length, const int64_t* shape,
                                          int32_t rank, const char* const* layers, int32_t layer_count,
                                          const int64_t* classes, int64_t class_count, mc_explain** result);

/* As above with target sum_n sum_k weights[n, k] * logits[n, k]; weights is rows x cols, row-major. */
MC_API mc_status mc_model_explain_weights(mc_model* model, const float* data, int64_t length, const int64_t* shape,
                                          int32_t rank, const char* const* layers, int32_t layer_count,
                                          const float* weights, int64_t rows, int64_t cols, mc_explain** result);

#ifdef __cplusplus
}
#endif

#endif
