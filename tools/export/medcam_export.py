#!/usr/bin/python3
"""Export an eager PyTorch classifier as a MedCam model package (model.pt + model.json).

The model's code is not changed. For every target layer (a module path from ``model.named_modules()``, e.g.
``layer4`` or ``features.7``) the exported TorchScript module offers:

* ``medcam_taps(x) -> (logits, [activations of every target layer])``: always present. Built with torch.fx when the
  model is FX-traceable, otherwise by tracing the model with forward hooks on the layers (``torch.jit.trace``; the
  usual tracing caveats apply: data-dependent control flow is frozen to the example's path).
* ``medcam_features(x, i)`` and ``medcam_head(a, i)``: the network split at layer ``i`` by torch.fx, for layers where
  nothing after the layer reads anything computed before it (no skip connection across the split). The runtime uses
  them to differentiate only the head (explain costs about one forward pass) and to run the head on modified
  activations (Ablation-CAM).
* ``medcam_layers: List[str]`` and ``medcam_split: List[bool]`` attributes: how the runtime discovers the layers.
* ``forward(x) -> logits``.

Run with the Python whose torch matches the runtime's libtorch (Debian 12: /usr/bin/python3, torch 1.13).

Library use::

    from medcam_export import export_package
    export_package(model, torch.zeros(1, 1, 64, 128, 128), ["layer3", "layer4"], "out/covid-ct",
                   card={"name": "covid-ct", "class_names": ["covid", "other"], "modality": "CT"})

Command line::

    medcam_export.py --factory mypkg.models:build --weights weights.pth --input-shape 1,1,64,128,128 \
        --layer layer4 --out out/covid-ct --card card.json
"""

import argparse
import copy
import importlib
import json
import os
import sys
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.fx as fx
from torch import Tensor, nn

FORMAT = "medcam-model/1"


class _LayerTracer(fx.Tracer):
    """Keeps the target layers as single call_module nodes, whatever they contain."""

    def __init__(self, layers: Sequence[str]):
        super().__init__()
        self._layers = set(layers)

    def is_leaf_module(self, module: nn.Module, qualified_name: str) -> bool:
        return qualified_name in self._layers or super().is_leaf_module(module, qualified_name)


def _fx_graph(model: nn.Module, layers: Sequence[str]) -> Optional[fx.GraphModule]:
    try:
        graph = _LayerTracer(layers).trace(model)
    except Exception as error:  # FX cannot trace data-dependent control flow and some Python constructs.
        print(f"medcam_export: torch.fx cannot trace the model ({type(error).__name__}: {error}); "
              "falling back to torch.jit.trace with hooks", file=sys.stderr)
        return None
    module = fx.GraphModule(model, graph)
    nodes = {node.target: node for node in module.graph.nodes if node.op == "call_module"}
    if any(layer not in nodes for layer in layers):
        return None
    return module


def _layer_nodes(module: fx.GraphModule, layers: Sequence[str]) -> List[fx.Node]:
    by_target = {node.target: node for node in module.graph.nodes if node.op == "call_module"}
    return [by_target[layer] for layer in layers]


def _output_node(module: fx.GraphModule) -> fx.Node:
    return next(node for node in module.graph.nodes if node.op == "output")


def _fx_taps(module: fx.GraphModule, layers: Sequence[str]) -> fx.GraphModule:
    graph = fx.Graph()
    env: Dict[fx.Node, fx.Node] = {}
    targets = _layer_nodes(module, layers)
    for node in module.graph.nodes:
        if node.op == "output":
            logits = fx.map_arg(node.args[0], lambda n: env[n])
            graph.output((logits, [env[t] for t in targets]))
        else:
            env[node] = graph.node_copy(node, lambda n: env[n])
    taps = fx.GraphModule(module, graph)
    taps.recompile()
    return taps


def _fx_split(module: fx.GraphModule, layer: str) -> Optional[Tuple[fx.GraphModule, fx.GraphModule]]:
    """features(x) up to the layer, head(a) after it; None when the tail reads values from before the layer."""
    nodes = list(module.graph.nodes)
    target = _layer_nodes(module, [layer])[0]
    cut = nodes.index(target)
    before = set(nodes[: cut + 1])

    head_graph = fx.Graph()
    env: Dict[fx.Node, fx.Node] = {target: head_graph.placeholder("activations")}
    for node in nodes[cut + 1:]:
        for source in node.all_input_nodes:
            if source in env:
                continue
            if source in before and source.op == "get_attr":
                env[source] = head_graph.node_copy(source, lambda n: env[n])
            else:
                return None
        if node.op == "output":
            head_graph.output(fx.map_arg(node.args[0], lambda n: env[n]))
        else:
            env[node] = head_graph.node_copy(node, lambda n: env[n])

    feature_graph = fx.Graph()
    env = {}
    for node in nodes[: cut + 1]:
        env[node] = feature_graph.node_copy(node, lambda n: env[n])
    feature_graph.output(env[target])

    features = fx.GraphModule(module, feature_graph)
    head = fx.GraphModule(module, head_graph)
    for part in (features, head):
        part.graph.eliminate_dead_code()
        part.recompile()
    return features, head


class _HookTaps(nn.Module):
    """Eager wrapper returning logits and the hooked layer outputs; traced, never scripted."""

    def __init__(self, model: nn.Module, layers: Sequence[str]):
        super().__init__()
        self.model = model
        self.layers = list(layers)

    def forward(self, x: Tensor):
        captured: Dict[str, Tensor] = {}
        modules = dict(self.model.named_modules())
        handles = [modules[name].register_forward_hook(
            lambda _m, _i, output, name=name: captured.__setitem__(name, output)) for name in self.layers]
        try:
            logits = self.model(x)
        finally:
            for handle in handles:
                handle.remove()
        return logits, [captured[name] for name in self.layers]


class _Unavailable(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        raise RuntimeError("the network cannot be split at this layer")


class MedCamPackage(nn.Module):
    """The scripted top level the runtime loads (see module docstring)."""

    medcam_layers: List[str]
    medcam_split: List[bool]
    medcam_format: str

    def __init__(self, taps: nn.Module, features: List[nn.Module], heads: List[nn.Module], layers: List[str],
                 split: List[bool]):
        super().__init__()
        self.taps = taps
        self.feature_parts = nn.ModuleList(features)
        self.head_parts = nn.ModuleList(heads)
        self.medcam_layers = layers
        self.medcam_split = split
        self.medcam_format = FORMAT

    def forward(self, x: Tensor) -> Tensor:
        return self.taps(x)[0]

    @torch.jit.export
    def medcam_taps(self, x: Tensor) -> Tuple[Tensor, List[Tensor]]:
        return self.taps(x)

    @torch.jit.export
    def medcam_features(self, x: Tensor, layer: int) -> Tensor:
        result = x
        found = False
        for i, part in enumerate(self.feature_parts):
            if i == layer:
                result = part(x)
                found = True
        if not found:
            raise RuntimeError("layer index out of range")
        return result

    @torch.jit.export
    def medcam_head(self, activations: Tensor, layer: int) -> Tensor:
        result = activations
        found = False
        for i, part in enumerate(self.head_parts):
            if i == layer:
                result = part(activations)
                found = True
        if not found:
            raise RuntimeError("layer index out of range")
        return result


def build_package_module(model: nn.Module, example: Tensor, layers: Sequence[str],
                         use_fx: bool = True) -> torch.jit.ScriptModule:
    """The scripted MedCam module for ``model`` with target ``layers`` (module paths)."""
    layers = list(layers)
    if not layers:
        raise ValueError("at least one target layer is needed")
    known = dict(model.named_modules())
    missing = [layer for layer in layers if layer not in known or layer == ""]
    if missing:
        raise ValueError(f"no module named {missing} in the model; some names: {list(known)[1:12]}")
    model = copy.deepcopy(model).eval()  # the caller's model is left as it was
    for parameter in model.parameters():
        parameter.requires_grad_(False)

    graph = _fx_graph(model, layers) if use_fx else None
    features: List[nn.Module] = []
    heads: List[nn.Module] = []
    split: List[bool] = []
    if graph is not None:
        taps: nn.Module = torch.jit.script(_fx_taps(graph, layers))
        for layer in layers:
            parts = _fx_split(graph, layer)
            if parts is None:
                print(f"medcam_export: cannot split at '{layer}' (a later node reads an earlier value); "
                      "explain works through medcam_taps, Head/Ablation-CAM is unavailable there", file=sys.stderr)
                features.append(torch.jit.script(_Unavailable()))
                heads.append(torch.jit.script(_Unavailable()))
                split.append(False)
            else:
                features.append(torch.jit.script(parts[0]))
                heads.append(torch.jit.script(parts[1]))
                split.append(True)
    else:
        with torch.no_grad():
            taps = torch.jit.trace(_HookTaps(model, layers), (example,), strict=False, check_trace=False)
        features = [torch.jit.script(_Unavailable()) for _ in layers]
        heads = [torch.jit.script(_Unavailable()) for _ in layers]
        split = [False for _ in layers]
    return torch.jit.script(MedCamPackage(taps, features, heads, layers, split))


def default_card(example: Tensor, layers: Sequence[str], logits: Tensor) -> Dict[str, object]:
    shape = list(example.shape)
    return {
        "format": FORMAT,
        "name": "model",
        "version": "1",
        "task": "classification",
        "modality": "",
        "input": {"shape": [-1] + shape[1:], "channels": [f"channel{i}" for i in range(shape[1])]},
        "preprocessing": {},
        "class_names": [str(i) for i in range(int(logits.shape[1]))],
        "target_layers": list(layers),
        "intended_use": "",
        "training_data": "",
        "metrics": {},
        "exported_with": f"torch {torch.__version__}",
    }


def export_package(model: nn.Module, example: Tensor, layers: Sequence[str], out_dir: str,
                   card: Optional[Dict[str, object]] = None, use_fx: bool = True,
                   tolerance: float = 1e-4) -> str:
    """Writes out_dir/model.pt and out_dir/model.json; checks the export against the eager model."""
    module = build_package_module(model, example, layers, use_fx)
    with torch.no_grad():
        expected = model(example)
        actual, taps = module.medcam_taps(example)
        for i, (flag, layer) in enumerate(zip(module.medcam_split, module.medcam_layers)):
            if flag:
                split_logits = module.medcam_head(module.medcam_features(example, i), i)
                if not torch.allclose(split_logits, expected, atol=tolerance, rtol=tolerance):
                    raise RuntimeError(f"the split at '{layer}' does not reproduce the model's logits")
    if not torch.allclose(actual, expected, atol=tolerance, rtol=tolerance):
        raise RuntimeError("the exported module does not reproduce the model's logits")
    os.makedirs(out_dir, exist_ok=True)
    model_path = os.path.join(out_dir, "model.pt")
    module.save(model_path)
    merged = default_card(example, layers, expected)
    merged.update(card or {})
    merged["target_layers"] = list(layers) if not (card or {}).get("target_layers") else merged["target_layers"]
    with open(os.path.join(out_dir, "model.json"), "w", encoding="utf-8") as handle:
        json.dump(merged, handle, indent=2)
        handle.write("\n")
    return model_path


def _main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Export an eager PyTorch classifier as a MedCam model package.")
    parser.add_argument("--factory", required=True, help="module:callable returning the nn.Module (on sys.path)")
    parser.add_argument("--weights", help="state_dict file to load into the model")
    parser.add_argument("--input-shape", required=True, help="example input shape, e.g. 1,1,64,128,128")
    parser.add_argument("--layer", action="append", required=True, help="target layer (repeatable)")
    parser.add_argument("--out", required=True, help="package folder to write")
    parser.add_argument("--card", help="JSON file with model card fields (name, class_names, ...)")
    parser.add_argument("--no-fx", action="store_true", help="use hook tracing instead of torch.fx")
    args = parser.parse_args(argv)

    module_name, _, attribute = args.factory.partition(":")
    model = getattr(importlib.import_module(module_name), attribute)()
    if args.weights:
        model.load_state_dict(torch.load(args.weights, map_location="cpu"))
    shape = [int(part) for part in args.input_shape.split(",")]
    card = None
    if args.card:
        with open(args.card, encoding="utf-8") as handle:
            card = json.load(handle)
    example = torch.randn(shape, generator=torch.Generator().manual_seed(0))
    path = export_package(model, example, args.layer, args.out, card, use_fx=not args.no_fx)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(_main())
