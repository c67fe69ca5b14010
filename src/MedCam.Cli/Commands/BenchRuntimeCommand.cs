using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MedCam.Torch;

namespace MedCam.Cli.Commands;

/// <summary>
/// <c>medcam bench runtime</c>: on a 1x1x64x128x128 3D CNN, MedCam's explain time against its own forward time
/// (target: ratio at most 1.10) and against an eager, hook-based Grad-CAM in PyTorch on the same model, weights,
/// input and thread count, run in the same invocation (target: at least 2x faster).
/// </summary>
internal static class BenchRuntimeCommand
{
    private const string Python = BenchPython.Executable;
    private const int TargetClass = 1;

    public static Command Create()
    {
        var threads = new Option<int>("--threads") { Description = "Intra-op threads for both sides (default: processor count).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var repeat = new Option<int>("--repeat") { Description = "Timed runs per measurement (median reported).", DefaultValueFactory = _ => 7 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed runs first.", DefaultValueFactory = _ => 2 };
        var check = new Option<bool>("--check") { Description = "Exit with code 1 when a target is missed." };
        var command = new Command("runtime", "Explain vs forward, and MedCam vs eager PyTorch Grad-CAM, on a 1x1x64x128x128 3D CNN.");
        command.Options.Add(threads);
        command.Options.Add(repeat);
        command.Options.Add(warmup);
        command.Options.Add(check);
        command.SetAction(parse =>
        {
            try
            {
                return Run(parse.GetValue(threads), parse.GetValue(repeat), parse.GetValue(warmup), parse.GetValue(check));
            }
            catch (Exception error) when (error is TorchException or InvalidOperationException or IOException)
            {
                Console.Error.WriteLine($"medcam bench runtime: {error.Message}");
                return 2;
            }
        });
        return command;
    }

    private static int Run(int threads, int repeat, int warmup, bool check)
    {
        if (threads < 1 || repeat < 1 || warmup < 0)
        {
            throw new InvalidOperationException("--threads and --repeat must be positive, --warmup not negative.");
        }

        var script = Path.Combine(AppContext.BaseDirectory, "tools", "export", "bench_runtime.py");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"The benchmark peer script is missing: {script}.");
        }

        var work = Directory.CreateTempSubdirectory("medcam-bench-runtime-").FullName;
        try
        {
            BenchPython.Run(script, ["export", work], threads, blasPreload: null);
            TorchRuntime.SetNumThreads(threads);
            var blas = TorchRuntime.Blas;
            using var model = TorchModel.Load(Path.Combine(work, "model.pt"));
            var input = new Tensor(ReadFloats(Path.Combine(work, "input.f32")), 1, 1, 64, 128, 128);
            string[] layers = ["features"];
            int[] target = [TargetClass];

            for (var i = 0; i < warmup; i++)
            {
                _ = model.Forward(input);
                _ = GradCam(model.Explain(input, layers, target));
            }

            var forward = new List<double>();
            var explain = new List<double>();
            float[] cam = [];
            for (var i = 0; i < repeat; i++)
            {
                var clock = Stopwatch.StartNew();
                _ = model.Forward(input);
                forward.Add(clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                cam = GradCam(model.Explain(input, layers, target));
                explain.Add(clock.Elapsed.TotalMilliseconds);
            }

            var peerJson = BenchPython.Run(script, ["gradcam", work, "--threads", Text(threads), "--repeat", Text(repeat), "--warmup", Text(warmup)],
                threads, BlasFile(blas));
            using var peer = JsonDocument.Parse(peerJson);
            var peerCam = peer.RootElement.GetProperty("gradcam_ms").EnumerateArray().Select(e => e.GetDouble()).ToList();
            var peerForward = peer.RootElement.GetProperty("forward_ms").EnumerateArray().Select(e => e.GetDouble()).ToList();
            var peerCamSum = peer.RootElement.GetProperty("cam_sum").GetDouble();

            var ratio = Median(explain) / Median(forward);
            var speedup = Median(peerCam) / Median(explain);
            var camSum = cam.Sum(v => (double)v);
            // Float summation order differs between the two runtimes; 1% of the map's total is far below any visible change.
            var agree = Math.Abs(camSum - peerCamSum) <= 1e-2 * Math.Abs(peerCamSum) && peerCamSum != 0;

            Console.WriteLine("medcam bench runtime: 3D CNN, input 1x1x64x128x128, Grad-CAM at 'features' (32x16x32x32), class " + Text(TargetClass));
            Console.WriteLine($"  libtorch {TorchRuntime.LibTorchVersion}, CUDA available: {TorchRuntime.CudaAvailable}, device cpu");
            Console.WriteLine($"  threads: {threads} intra-op (both sides), OMP_WAIT_POLICY: {TorchRuntime.OpenMpWaitPolicy} (both sides), BLAS: {blas}");
            Console.WriteLine($"  load average at start: {LoadAverage()}");
            Console.WriteLine($"  runs: {repeat} timed after {warmup} warm-up; medians (min..max) in ms");
            Console.WriteLine($"  MedCam forward              {Summary(forward)}");
            Console.WriteLine($"  MedCam explain + Grad-CAM   {Summary(explain)}");
            Console.WriteLine($"  PyTorch eager forward       {Summary(peerForward)}");
            Console.WriteLine($"  PyTorch eager hook Grad-CAM {Summary(peerCam)}");
            Console.WriteLine($"  explain / forward = {ratio:F3}   (target <= 1.10: {(ratio <= 1.10 ? "met" : "MISSED")})");
            Console.WriteLine($"  PyTorch Grad-CAM / MedCam explain = {speedup:F2}x   (target >= 2x: {(speedup >= 2 ? "met" : "MISSED")})");
            Console.WriteLine($"  same CAM as PyTorch: {(agree ? "yes" : "NO")} (sum {camSum:G6} vs {peerCamSum:G6})");
            return check && (ratio > 1.10 || speedup < 2 || !agree) ? 1 : 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // Grad-CAM (Selvaraju et al. 2017, eq. 1-2) reduced to what the benchmark needs to match the peer's output: channel
    // weights = mean gradient, map = ReLU of the weighted sum. MedCam.Explain owns the real implementation.
    private static float[] GradCam(ExplainResult result)
    {
        var layer = result.Layers[0];
        var a = layer.Activations.Data;
        var g = layer.Gradients.Data;
        var channels = layer.Activations.Shape[1];
        var plane = a.Length / channels;
        var cam = new float[plane];
        for (var c = 0; c < channels; c++)
        {
            var weight = 0f;
            var gradients = g.AsSpan(c * plane, plane);
            foreach (var value in gradients)
            {
                weight += value;
            }

            weight /= plane;
            var activations = a.AsSpan(c * plane, plane);
            for (var i = 0; i < plane; i++)
            {
                cam[i] += weight * activations[i];
            }
        }

        for (var i = 0; i < plane; i++)
        {
            cam[i] = Math.Max(cam[i], 0f);
        }

        return cam;
    }

    private static string? BlasFile(string blas)
    {
        var open = blas.IndexOf('(', StringComparison.Ordinal);
        var close = blas.LastIndexOf(')');
        return open >= 0 && close > open ? blas[(open + 1)..close] : null;
    }

    private static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var data = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, data, 0, data.Length * sizeof(float));
        return data;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Summary(List<double> values) =>
        string.Create(CultureInfo.InvariantCulture, $"{Median(values),8:F1}  ({values.Min():F1}..{values.Max():F1})");

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
