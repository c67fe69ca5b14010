/* MedCam libtorch shim: result objects owned by the shim (float32, CPU, contiguous, row-major). */
#ifndef MEDCAM_MC_TENSOR_H
#define MEDCAM_MC_TENSOR_H

#include "mc_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mc_tensor mc_tensor;
typedef struct mc_explain mc_explain;

MC_API mc_status mc_tensor_rank(const mc_tensor* tensor, int32_t* rank);
/* Writes rank entries into shape (capacity entries available). */
MC_API mc_status mc_tensor_shape(const mc_tensor* tensor, int64_t* shape, int32_t capacity);
MC_API mc_status mc_tensor_numel(const mc_tensor* tensor, int64_t* numel);
/* Borrowed pointer to numel floats, valid until the tensor (or the explain result owning it) is freed. */
MC_API mc_status mc_tensor_data(const mc_tensor* tensor, const float** data);
/* Copies all elements into destination; MC_ERR_ARGUMENT when capacity < numel. */
MC_API mc_status mc_tensor_copy_to(const mc_tensor* tensor, float* destination, int64_t capacity);
MC_API void mc_tensor_free(mc_tensor* tensor);

/* An explain result: logits [N, K], then per requested layer its activations and gradients. The tensors it hands
 * out are borrowed: they live until mc_explain_free. */
MC_API mc_status mc_explain_layer_count(const mc_explain* result, int32_t* count);
MC_API mc_status mc_explain_logits(const mc_explain* result, const mc_tensor** logits);
MC_API mc_status mc_explain_activations(const mc_explain* result, int32_t layer, const mc_tensor** activations);
MC_API mc_status mc_explain_gradients(const mc_explain* result, int32_t layer, const mc_tensor** gradients);
MC_API void mc_explain_free(mc_explain* result);

#ifdef __cplusplus
}
#endif

#endif
