using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MedCam.Explain;
using MedCam.Explain.Methods;
using MedCam.Explain.Models;
using MedCam.Explain.Targets;
using MedCam.Torch;

namespace MedCam.Cli.Commands;

/// <summary>
/// <c>medcam bench cam</c>: on the 1×1×64×128×128 3D CNN of <c>bench runtime</c> (CPU), each gradient method's full
/// time (activations, gradients, weights, ReLU, trilinear upsampling, normalisation) divided by one bare explain call
/// (target ≤ 1.2); Ablation-CAM and Score-CAM cost per channel; MedCam Grad-CAM and Grad-CAM++ against an eager
/// hook-based PyTorch implementation on the same weights, input and threads, in the same run (target ≥ 2×).
/// </summary>
internal static class BenchCamCommand
{
    private const string Python = "/usr/bin/python3";

    public static Command Create()
    {
        var threads = new Option<int>("--threads") { Description = "Intra-op threads for both sides (default: processor count).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var repeat = new Option<int>("--repeat") { Description = "Timed runs per measurement (median reported).", DefaultValueFactory = _ => 3 };
        var device = new Option<string>("--device") { Description = "cpu or cuda (the PyTorch peer runs on the CPU).", DefaultValueFactory = _ => "cpu" };
        var check = new Option<bool>("--check") { Description = "Exit with code 1 when a target is missed." };
        var command = new Command("cam", "Every CAM method's cost on a 1x1x64x128x128 3D CNN, and Grad-CAM/Grad-CAM++ vs eager PyTorch.");
        foreach (var option in new Option[] { threads, repeat, device, check })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            try
            {
                return Run(parse.GetValue(threads), parse.GetValue(repeat), parse.GetValue(device)!, parse.GetValue(check));
            }
            catch (Exception error) when (error is TorchException or InvalidOperationException or IOException)
            {
                Console.Error.WriteLine($"medcam bench cam: {error.Message}");
                return 2;
            }
        });
        return command;
    }

    private static int Run(int threads, int repeat, string device, bool check)
    {
        if (threads < 1 || repeat < 1)
        {
            throw new InvalidOperationException("--threads and --repeat must be positive.");
        }

        var script = Path.Combine(AppContext.BaseDirectory, "tools", "bench", "bench_cam_peer.py");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"The benchmark peer script is missing: {script}.");
        }

        var work = Directory.CreateTempSubdirectory("medcam-bench-cam-").FullName;
        try
        {
            RunPython(script, ["export", work], threads);
            TorchRuntime.SetNumThreads(threads);
            using var model = new TorchExplainableModel(TorchModel.Load(Path.Combine(work, "model.pt"), device), ownsModel: true);
            var bytes = File.ReadAllBytes(Path.Combine(work, "input.f32"));
            var data = new float[bytes.Length / sizeof(float)];
            Buffer.BlockCopy(bytes, 0, data, 0, bytes.Length);
            var input = new Tensor(data, 1, 1, 64, 128, 128);
            var target = CamTarget.Class(1);
            int[] classes = [1];
            string[] layers = ["features"];

            // Warm up both paths once.
            _ = model.Explain(input, layers, classes);
            _ = new GradCam().Compute(model, input, target);

            var explain = Time(repeat, () => model.Explain(input, layers, classes));
            var channels = model.Explain(input, layers, classes).Layers[0].Activations.Shape[1];
            Console.WriteLine($"medcam bench cam: 3D CNN, input 1x1x64x128x128, layer 'features' ({channels} channels), class 1, device {device}");
            Console.WriteLine($"  libtorch {TorchRuntime.LibTorchVersion}, threads {threads}, BLAS {TorchRuntime.Blas}, load average {LoadAverage()}");
            Console.WriteLine($"  one explain call (activations + gradients): {explain:F1} ms (median of {repeat})");
            Console.WriteLine("  method            ms/call   / explain   target");
            var missed = false;
            var medcam = new Dictionary<string, (double Ms, double Sum)>();
            foreach (var name in new[] { "gradcam", "gradcam++", "xgradcam", "layercam", "hirescam", "cfcam", "smoothgradcam++", "eigencam", "cam" })
            {
                var method = CamMethods.Create(name);
                CamResult? last = null;
                var ms = Time(repeat, () => last = method.Compute(model, input, target));
                var ratio = ms / explain;
                var gradientMethod = method.UsesGradients && name != "smoothgradcam++";
                var verdict = gradientMethod ? (ratio <= 1.2 ? "<= 1.2 met" : "<= 1.2 MISSED") : name == "smoothgradcam++" ? "(n+1 = 9 passes)" : "(no gradients)";
                missed |= gradientMethod && ratio > 1.2;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-16} {ms,9:F1}   {ratio,8:F3}   {verdict}"));
                medcam[name] = (ms, last!.Maps.Data.Sum(v => (double)v));
            }

            foreach (var name in new[] { "ablationcam", "scorecam" })
            {
                var method = CamMethods.Create(name);
                var ms = Time(1, () => method.Compute(model, input, target));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-16} {ms,9:F1}   {ms / explain,8:F3}   {ms / channels:F1} ms per channel ({channels} channels)"));
            }

            var peerJson = RunPython(script, ["run", work, "--threads", Text(threads), "--repeat", Text(repeat), "--warmup", "1"], threads);
            using var peer = JsonDocument.Parse(peerJson);
            foreach (var name in new[] { "gradcam", "gradcam++" })
            {
                var element = peer.RootElement.GetProperty(name);
                var times = element.GetProperty("ms").EnumerateArray().Select(e => e.GetDouble()).ToList();
                var peerMs = Median(times);
                var speedup = peerMs / medcam[name].Ms;
                var peerSum = element.GetProperty("sum").GetDouble();
                var agree = Math.Abs(peerSum - medcam[name].Sum) <= 1e-3 * Math.Max(1, Math.Abs(peerSum));
                missed |= speedup < 2 || !agree;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {name}: PyTorch eager hooks {peerMs:F1} ms vs MedCam {medcam[name].Ms:F1} ms = {speedup:F2}x (target >= 2x: {(speedup >= 2 ? "met" : "MISSED")}); same map: {(agree ? "yes" : "NO")} (sum {medcam[name].Sum:F2} vs {peerSum:F2})"));
            }

            return check && missed ? 1 : 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static double Time(int repeat, Action action)
    {
        var times = new List<double>();
        for (var i = 0; i < repeat; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        return Median(times);
    }

    private static string RunPython(string script, string[] arguments, int threads)
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} with torch is needed for the PyTorch peer (apt-get install python3-torch).");
        }

        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["OPENBLAS_NUM_THREADS"] = Text(threads);
        start.Environment["OMP_NUM_THREADS"] = Text(threads);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {Python}.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result}");
        }

        return stdout;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
