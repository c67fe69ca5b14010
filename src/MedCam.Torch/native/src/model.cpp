// TorchScript models: load, layer discovery, forward, head, explain.
//
// Layer discovery (see docs/model-package.md):
//  * a module with a `medcam_layers: List[str]` attribute was written by tools/export/medcam_export.py; it has
//    `medcam_taps(x) -> (logits, List[activations])` for all layers, and for layers whose entry in
//    `medcam_split: List[bool]` is true, `medcam_features(x, i)` and `medcam_head(a, i)`;
//  * otherwise a module with `features(x)` and `head(a)` methods follows the simple convention: one layer named
//    "features";
//  * otherwise the model can run forward passes but cannot be explained.
#include "internal.h"

#include <medcam/mc_model.h>

#include <torch/csrc/autograd/autograd.h>
#include <torch/cuda.h>
#include <torch/script.h>
#include <torch/version.h>

#include <fstream>
#include <optional>
#include <sstream>

struct mc_model {
    torch::jit::Module module;
    c10::Device device{c10::kCPU};
    std::vector<std::string> layers;
    std::vector<bool> split;
    bool simple = false;  // features(x) / head(a)
    bool taps = false;    // medcam_taps(x)
};

namespace {

using medcam::Failure;

std::string shape_text(at::IntArrayRef sizes) {
    std::ostringstream text;
    text << '[';
    for (size_t i = 0; i < sizes.size(); ++i) text << (i ? ", " : "") << sizes[i];
    text << ']';
    return text.str();
}

c10::Device parse_device(const char* text) {
    const std::string name = text == nullptr || *text == '\0' ? "cpu" : text;
    std::optional<c10::Device> device;
    try {
        device.emplace(name);
    } catch (const std::exception&) {
        throw Failure(MC_ERR_DEVICE, "unknown device '" + name + "': use \"cpu\", \"cuda\" or \"cuda:N\"");
    }
    if (device->is_cpu()) return *device;
    if (!device->is_cuda()) {
        throw Failure(MC_ERR_DEVICE, "device '" + name + "' is not supported: use \"cpu\", \"cuda\" or \"cuda:N\"");
    }
    if (!torch::cuda::is_available()) {
        throw Failure(MC_ERR_DEVICE, "device '" + name +
                                         "' was requested but CUDA is not available: this libtorch (" TORCH_VERSION
                                         ") is CPU-only or no GPU is visible; use \"cpu\" or build the shim against "
                                         "a CUDA libtorch");
    }
    const auto count = static_cast<int64_t>(torch::cuda::device_count());
    if (device->has_index() && device->index() >= count) {
        throw Failure(MC_ERR_DEVICE, "device '" + name + "' does not exist: " + std::to_string(count) +
                                         " CUDA device(s) visible");
    }
    return *device;
}

// Wraps the caller's buffer (no copy on CPU) for the duration of the call.
at::Tensor wrap(const float* data, int64_t length, const int64_t* shape, int32_t rank, const c10::Device& device,
                const char* what) {
    MC_REQUIRE(shape != nullptr, std::string(what) + " shape must not be null");
    if (rank < 1 || rank > 8) {
        throw Failure(MC_ERR_INPUT_SHAPE, std::string(what) + " rank must be between 1 and 8, got " +
                                              std::to_string(rank));
    }
    const std::vector<int64_t> sizes(shape, shape + rank);
    int64_t product = 1;
    for (const auto size : sizes) {
        if (size <= 0) {
            throw Failure(MC_ERR_INPUT_SHAPE, std::string(what) + " shape " + shape_text(sizes) +
                                                  " has a zero or negative dimension");
        }
        product *= size;
    }
    if (product != length) {
        throw Failure(MC_ERR_INPUT_SHAPE, std::string(what) + " shape " + shape_text(sizes) + " needs " +
                                              std::to_string(product) + " values but the buffer holds " +
                                              std::to_string(length));
    }
    MC_REQUIRE(data != nullptr, std::string(what) + " data must not be null");
    auto tensor = torch::from_blob(const_cast<float*>(data), sizes, torch::kFloat);
    return device.is_cpu() ? tensor : tensor.to(device);
}

at::Tensor as_tensor(const c10::IValue& value, const char* method) {
    if (!value.isTensor()) {
        throw Failure(MC_ERR_TORCH, std::string("the model's ") + method + " returned " + value.tagKind() +
                                        ", not a tensor");
    }
    return value.toTensor();
}

std::string input_context(const at::Tensor& input) {
    return "the model rejected the input of shape " + shape_text(input.sizes()) + ": ";
}

int32_t layer_index(const mc_model& model, const char* layer) {
    MC_REQUIRE(layer != nullptr, "layer name must not be null");
    for (size_t i = 0; i < model.layers.size(); ++i) {
        if (model.layers[i] == layer) return static_cast<int32_t>(i);
    }
    if (model.layers.empty()) {
        throw Failure(MC_ERR_UNKNOWN_LAYER,
                      std::string("cannot use layer '") + layer +
                          "': the model exposes no target layers (add features(x)/head(a) methods or export it "
                          "with tools/export/medcam_export.py)");
    }
    std::string known;
    for (const auto& name : model.layers) known += (known.empty() ? "" : ", ") + name;
    throw Failure(MC_ERR_UNKNOWN_LAYER, std::string("the model has no target layer '") + layer +
                                            "'; available: " + known);
}

at::Tensor run_features(mc_model& model, const at::Tensor& input, int32_t index) {
    return medcam::rethrow_as(MC_ERR_INPUT_SHAPE, input_context(input), [&] {
        if (model.simple) return as_tensor(model.module.get_method("features")({input}), "features");
        return as_tensor(model.module.get_method("medcam_features")({input, static_cast<int64_t>(index)}),
                         "medcam_features");
    });
}

at::Tensor run_head(mc_model& model, const at::Tensor& activations, int32_t index) {
    const auto context = "the model's head for layer '" + model.layers[static_cast<size_t>(index)] +
                         "' rejected activations of shape " + shape_text(activations.sizes()) + ": ";
    return medcam::rethrow_as(MC_ERR_INPUT_SHAPE, context, [&] {
        if (model.simple) return as_tensor(model.module.get_method("head")({activations}), "head");
        return as_tensor(model.module.get_method("medcam_head")({activations, static_cast<int64_t>(index)}),
                         "medcam_head");
    });
}

at::Tensor run_forward(mc_model& model, const at::Tensor& input) {
    return medcam::rethrow_as(MC_ERR_INPUT_SHAPE, input_context(input),
                              [&] { return as_tensor(model.module.forward({input}), "forward"); });
}

// One-hot (or caller-given) weights of the per-sample linear target, validated against the logits.
struct Target {
    const int64_t* classes = nullptr;
    int64_t class_count = 0;
    const float* weights = nullptr;
    int64_t rows = 0;
    int64_t cols = 0;

    at::Tensor weights_for(const at::Tensor& logits) const {
        if (logits.dim() != 2) {
            throw Failure(MC_ERR_TARGET, "explaining needs logits of shape [N, K]; the model returned " +
                                             shape_text(logits.sizes()));
        }
        const auto n = logits.size(0);
        const auto k = logits.size(1);
        if (classes != nullptr) {
            if (class_count != n) {
                throw Failure(MC_ERR_TARGET, "got " + std::to_string(class_count) + " target classes for a batch of " +
                                                 std::to_string(n) + " samples");
            }
            auto one_hot = torch::zeros({n, k}, torch::kFloat);
            auto access = one_hot.accessor<float, 2>();
            at::Tensor scores;
            for (int64_t i = 0; i < n; ++i) {
                if (classes[i] == MC_TARGET_PREDICTED) {
                    // The predicted class of this very pass: the first maximum of the sample's logits.
                    if (!scores.defined()) {
                        scores = logits.detach().to(torch::kCPU, torch::kFloat).contiguous();
                    }
                    const auto row = scores.accessor<float, 2>()[i];
                    int64_t best = 0;
                    for (int64_t c = 1; c < k; ++c) {
                        if (row[c] > row[best]) {
                            best = c;
                        }
                    }
                    access[i][best] = 1.0f;
                    continue;
                }
                if (classes[i] < 0 || classes[i] >= k) {
                    throw Failure(MC_ERR_TARGET, "target class " + std::to_string(classes[i]) + " of sample " +
                                                     std::to_string(i) + " is out of range: the model has " +
                                                     std::to_string(k) + " classes (0.." + std::to_string(k - 1) +
                                                     ")");
                }
                access[i][classes[i]] = 1.0f;
            }
            return one_hot.to(logits.device());
        }
        if (rows != n || cols != k) {
            throw Failure(MC_ERR_TARGET, "target weights of shape [" + std::to_string(rows) + ", " +
                                             std::to_string(cols) + "] do not match logits of shape " +
                                             shape_text(logits.sizes()));
        }
        return torch::from_blob(const_cast<float*>(weights), {rows, cols}, torch::kFloat).to(logits.device());
    }
};

mc_explain* explain(mc_model& model, const at::Tensor& input, const char* const* layers, int32_t layer_count,
                    const Target& target) {
    MC_REQUIRE(layers != nullptr && layer_count > 0, "at least one target layer is needed");
    std::vector<int32_t> indices;
    for (int32_t i = 0; i < layer_count; ++i) {
        const auto index = layer_index(model, layers[i]);
        for (const auto seen : indices) {
            MC_REQUIRE(seen != index, std::string("layer '") + layers[i] + "' is listed twice");
        }
        indices.push_back(index);
    }

    torch::AutoGradMode grad_enabled(true);
    at::Tensor logits;
    std::vector<at::Tensor> activations;
    if (indices.size() == 1 && model.split[static_cast<size_t>(indices[0])]) {
        // Only the head is differentiated: the feature part runs without recording a graph.
        at::Tensor features;
        {
            torch::NoGradGuard no_grad;
            features = run_features(model, input, indices[0]);
        }
        features = features.detach().requires_grad_(true);
        logits = run_head(model, features, indices[0]);
        activations.push_back(features);
    } else if (model.taps) {
        // The input is made a graph leaf so that activations are differentiable even when the exported
        // parameters do not require gradients; autograd::grad stops at the requested activations.
        const auto leaf = input.detach().requires_grad_(true);
        const auto output = medcam::rethrow_as(MC_ERR_INPUT_SHAPE, input_context(input),
                                               [&] { return model.module.get_method("medcam_taps")({leaf}); });
        const auto tuple = output.toTuple();
        logits = tuple->elements().at(0).toTensor();
        const auto all = tuple->elements().at(1).toTensorVector();
        for (const auto index : indices) activations.push_back(all.at(static_cast<size_t>(index)));
    } else {
        throw Failure(MC_ERR_UNKNOWN_LAYER, "the model cannot be explained at several layers at once: export it with "
                                            "tools/export/medcam_export.py");
    }

    const auto weights = target.weights_for(logits);
    const auto scalar = (logits * weights).sum();
    const auto gradients = torch::autograd::grad({scalar}, activations, /*grad_outputs=*/{}, /*retain_graph=*/false,
                                                 /*create_graph=*/false, /*allow_unused=*/true);
    auto result = std::make_unique<mc_explain>();
    result->logits = medcam::to_result(logits);
    for (size_t i = 0; i < activations.size(); ++i) {
        result->activations.push_back(medcam::to_result(activations[i]));
        // A layer the target does not depend on gets zero gradients rather than an undefined tensor.
        result->gradients.push_back(
            medcam::to_result(gradients[i].defined() ? gradients[i] : torch::zeros_like(activations[i])));
    }
    return result.release();
}

}  // namespace

extern "C" MC_API mc_status mc_model_load(const char* path, const char* device, mc_model** model) {
    MC_TRY
    MC_REQUIRE(path != nullptr && model != nullptr, "path and model must not be null");
    *model = nullptr;
    const auto target_device = parse_device(device);
    {
        std::ifstream probe(path, std::ios::binary);
        if (!probe) throw Failure(MC_ERR_MODEL_LOAD, std::string("model file not found or not readable: ") + path);
    }
    auto loaded = std::make_unique<mc_model>();
    loaded->device = target_device;
    try {
        loaded->module = torch::jit::load(path, target_device);
    } catch (const std::exception& error) {
        auto message = medcam::meaningful_message(error);
        if (message.find("constants.pkl") != std::string::npos || message.find("data.pkl") != std::string::npos) {
            message += " (this is not a TorchScript archive: a state_dict or an eager model saved with torch.save "
                       "cannot be run; export it with torch.jit.script/trace or tools/export/medcam_export.py)";
        } else if (message.find("central directory") != std::string::npos ||
                   message.find("decompressed size") != std::string::npos ||
                   message.find("zip archive") != std::string::npos) {
            message += " (the file is not a valid TorchScript archive: it is truncated or corrupt)";
        } else {
            message += " (the file is corrupt or was not written by torch.jit.save)";
        }
        throw Failure(MC_ERR_MODEL_LOAD, std::string("cannot load TorchScript model '") + path + "': " + message);
    }
    loaded->module.eval();

    auto& module = loaded->module;
    if (module.hasattr("medcam_layers")) {
        for (const auto& name : module.attr("medcam_layers").toListRef()) loaded->layers.push_back(name.toStringRef());
        if (module.hasattr("medcam_split")) {
            for (const auto& flag : module.attr("medcam_split").toListRef()) loaded->split.push_back(flag.toBool());
        }
        loaded->split.resize(loaded->layers.size(), false);
        loaded->taps = module.find_method("medcam_taps").has_value();
        const bool split_methods =
            module.find_method("medcam_features").has_value() && module.find_method("medcam_head").has_value();
        if (!split_methods) std::fill(loaded->split.begin(), loaded->split.end(), false);
        if (!loaded->taps && !split_methods) {
            throw Failure(MC_ERR_MODEL_LOAD, "the model lists medcam_layers but has neither medcam_taps nor "
                                             "medcam_features/medcam_head methods");
        }
    } else if (module.find_method("features").has_value() && module.find_method("head").has_value()) {
        loaded->simple = true;
        loaded->layers.push_back("features");
        loaded->split.push_back(true);
    }
    *model = loaded.release();
    MC_CATCH
}

extern "C" MC_API void mc_model_free(mc_model* model) { delete model; }

extern "C" MC_API mc_status mc_model_layer_count(const mc_model* model, int32_t* count) {
    MC_TRY
    MC_REQUIRE(model != nullptr && count != nullptr, "model and count must not be null");
    *count = static_cast<int32_t>(model->layers.size());
    MC_CATCH
}

extern "C" MC_API mc_status mc_model_layer_name(const mc_model* model, int32_t index, const char** name) {
    MC_TRY
    MC_REQUIRE(model != nullptr && name != nullptr, "model and name must not be null");
    MC_REQUIRE(index >= 0 && static_cast<size_t>(index) < model->layers.size(), "layer index out of range");
    *name = model->layers[static_cast<size_t>(index)].c_str();
    MC_CATCH
}

extern "C" MC_API mc_status mc_model_layer_has_head(const mc_model* model, int32_t index, int32_t* has_head) {
    MC_TRY
    MC_REQUIRE(model != nullptr && has_head != nullptr, "model and has_head must not be null");
    MC_REQUIRE(index >= 0 && static_cast<size_t>(index) < model->layers.size(), "layer index out of range");
    *has_head = model->split[static_cast<size_t>(index)] ? 1 : 0;
    MC_CATCH
}

extern "C" MC_API mc_status mc_model_forward(mc_model* model, const float* data, int64_t length,
                                             const int64_t* shape, int32_t rank, mc_tensor** logits) {
    MC_TRY
    MC_REQUIRE(model != nullptr && logits != nullptr, "model and logits must not be null");
    *logits = nullptr;
    medcam::apply_thread_settings();
    const auto input = wrap(data, length, shape, rank, model->device, "input");
    torch::NoGradGuard no_grad;
    *logits = new mc_tensor(medcam::to_result(run_forward(*model, input)));
    MC_CATCH
}

extern "C" MC_API mc_status mc_model_forward_batched(mc_model* model, const float* data, int64_t length,
                                                     const int64_t* shape, int32_t rank, int32_t max_batch,
                                                     mc_tensor** logits) {
    MC_TRY
    MC_REQUIRE(model != nullptr && logits != nullptr, "model and logits must not be null");
    MC_REQUIRE(max_batch > 0, "max_batch must be positive");
    *logits = nullptr;
    medcam::apply_thread_settings();
    const auto all = wrap(data, length, shape, rank, c10::Device(c10::kCPU), "input");
    torch::NoGradGuard no_grad;
    std::vector<at::Tensor> parts;
    for (int64_t start = 0; start < all.size(0); start += max_batch) {
        const auto count = std::min<int64_t>(max_batch, all.size(0) - start);
        auto chunk = all.narrow(0, start, count);
        if (!model->device.is_cpu()) chunk = chunk.to(model->device);
        parts.push_back(run_forward(*model, chunk).to(at::kCPU));
    }
    *logits = new mc_tensor(medcam::to_result(torch::cat(parts, 0)));
    MC_CATCH
}

extern "C" MC_API mc_status mc_model_head(mc_model* model, const char* layer, const float* data, int64_t length,
                                          const int64_t* shape, int32_t rank, mc_tensor** logits) {
    MC_TRY
    MC_REQUIRE(model != nullptr && logits != nullptr, "model and logits must not be null");
    *logits = nullptr;
    medcam::apply_thread_settings();
    const auto index = layer_index(*model, layer);
    if (!model->split[static_cast<size_t>(index)]) {
        throw Failure(MC_ERR_UNKNOWN_LAYER, std::string("the model has no head after layer '") + layer +
                                                "' (the export helper could not split the network there)");
    }
    const auto activations = wrap(data, length, shape, rank, model->device, "activations");
    torch::NoGradGuard no_grad;
    *logits = new mc_tensor(medcam::to_result(run_head(*model, activations, index)));
    MC_CATCH
}

extern "C" MC_API mc_status mc_model_explain_classes(mc_model* model, const float* data, int64_t length,
                                                     const int64_t* shape, int32_t rank, const char* const* layers,
                                                     int32_t layer_count, const int64_t* classes,
                                                     int64_t class_count, mc_explain** result) {
    MC_TRY
    MC_REQUIRE(model != nullptr && result != nullptr, "model and result must not be null");
    MC_REQUIRE(classes != nullptr || class_count == 0, "classes must not be null");
    *result = nullptr;
    medcam::apply_thread_settings();
    const auto input = wrap(data, length, shape, rank, model->device, "input");
    Target target;
    target.classes = classes == nullptr ? &target.class_count : classes;
    target.class_count = class_count;
    *result = explain(*model, input, layers, layer_count, target);
    MC_CATCH
}

extern "C" MC_API mc_status mc_model_explain_weights(mc_model* model, const float* data, int64_t length,
                                                     const int64_t* shape, int32_t rank, const char* const* layers,
                                                     int32_t layer_count, const float* weights, int64_t rows,
                                                     int64_t cols, mc_explain** result) {
    MC_TRY
    MC_REQUIRE(model != nullptr && result != nullptr, "model and result must not be null");
    MC_REQUIRE(weights != nullptr, "target weights must not be null");
    *result = nullptr;
    medcam::apply_thread_settings();
    const auto input = wrap(data, length, shape, rank, model->device, "input");
    Target target;
    target.weights = weights;
    target.rows = rows;
    target.cols = cols;
    *result = explain(*model, input, layers, layer_count, target);
    MC_CATCH
}
