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
/// The machine is shared, so each method's calls are interleaved with bare explain calls (explain, method, explain,
/// method, …) and the ratio is median(method) / median(explain) over the same window: load drift hits both sides.
/// The engine's own cost (the method's time outside the model pass: weights, ReLU, upsampling, normalisation) is
/// reported too; it is the part MedCam controls and the least sensitive to load (fastest of the runs), as is the
/// ratio of the fastest method call to the fastest explain call.
/// </summary>
internal static class BenchCamCommand
{
    private const string Python = BenchPython.Executable;

    public static Command Create()
    {
        var threads = new Option<int>("--threads") { Description = "Intra-op threads for both sides (default: processor count).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var repeat = new Option<int>("--repeat") { Description = "Timed runs per measurement (median reported).", DefaultValueFactory = _ => 3 };
        var device = new Option<string>("--device") { Description = "cpu or cuda (the PyTorch peer runs on the CPU).", DefaultValueFactory = _ => "cpu" };
        var check = new Option<bool>("--check") { Description = "Exit with code 1 when a target is missed." };
        var methods = new Option<string>("--methods") { Description = "Comma-separated subset of the methods to time (default: all), e.g. cfcam,scorecam. The PyTorch comparison runs when gradcam or gradcam++ is included." };
        var command = new Command("cam", "Every CAM method's cost on a 1x1x64x128x128 3D CNN, and Grad-CAM/Grad-CAM++ vs eager PyTorch.");
        foreach (var option in new Option[] { threads, repeat, device, check, methods })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            try
            {
                return Run(parse.GetValue(threads), parse.GetValue(repeat), parse.GetValue(device)!, parse.GetValue(check), Selection(parse.GetValue(methods)));
            }
            catch (Exception error) when (error is TorchException or InvalidOperationException or IOException)
            {
                Console.Error.WriteLine($"medcam bench cam: {error.Message}");
                return 2;
            }
        });
        return command;
    }

    private static readonly string[] TimedMethods = ["gradcam", "gradcam++", "xgradcam", "layercam", "hirescam", "cfcam", "smoothgradcam++", "eigencam", "cam"];

    private static readonly string[] PerChannelMethods = ["ablationcam", "scorecam"];

    private static HashSet<string> Selection(string? methods)
    {
        var all = TimedMethods.Concat(PerChannelMethods).ToHashSet(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(methods))
        {
            return all;
        }

        var chosen = methods.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var unknown = chosen.Where(m => !all.Contains(m)).ToArray();
        if (unknown.Length > 0)
        {
            throw new InvalidOperationException($"Unknown method(s) for --methods: {string.Join(", ", unknown)} (known: {string.Join(", ", all)}).");
        }

        return chosen;
    }

    private static int Run(int threads, int repeat, string device, bool check, HashSet<string> selected)
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
            BenchPython.Run(script, ["export", work], threads);
            TorchRuntime.SetNumThreads(threads);
            using var torchModel = new TorchExplainableModel(TorchModel.Load(Path.Combine(work, "model.pt"), device), ownsModel: true);
            var model = new TimedModel(torchModel);
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
            Console.WriteLine("  method            ms/call   explain*   / explain*   min/min   engine ms   map sum        target");
            Console.WriteLine("  (* bare explain calls interleaved with the method's calls, medians; min/min = fastest method call / fastest explain call;");
            Console.WriteLine("   engine = the method's time outside model calls, fastest run)");
            var missed = false;
            var medcam = new Dictionary<string, (double Ms, double Sum)>();
            foreach (var name in TimedMethods.Where(selected.Contains))
            {
                var method = CamMethods.Create(name);
                CamResult? last = null;
                _ = method.Compute(model, input, target);
                var explainTimes = new List<double>();
                var methodTimes = new List<double>();
                var engineTimes = new List<double>();
                for (var r = 0; r < repeat; r++)
                {
                    explainTimes.Add(Time(1, () => model.Explain(input, layers, classes)));
                    model.Reset();
                    var ms = Time(1, () => last = method.Compute(model, input, target));
                    methodTimes.Add(ms);
                    engineTimes.Add(ms - model.Inside.TotalMilliseconds);
                }

                var methodMs = Median(methodTimes);
                var pairedExplain = Median(explainTimes);
                var ratio = methodMs / pairedExplain;
                var gradientMethod = method.UsesGradients && name != "smoothgradcam++";
                var verdict = gradientMethod ? (ratio <= 1.2 ? "<= 1.2 met" : "<= 1.2 MISSED") : name == "smoothgradcam++" ? "(n+1 = 9 passes)" : "(no gradients)";
                missed |= gradientMethod && ratio > 1.2;
                var sum = last!.Maps.Data.Sum(v => (double)v);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-16} {methodMs,9:F1}  {pairedExplain,9:F1}   {ratio,10:F3}   {methodTimes.Min() / explainTimes.Min(),7:F3}   {engineTimes.Min(),9:F1}   {sum,-12:F3}   {verdict}"));
                medcam[name] = (methodMs, sum);
            }

            foreach (var name in PerChannelMethods.Where(selected.Contains))
            {
                var method = CamMethods.Create(name);
                model.Reset();
                var ms = Time(1, () => method.Compute(model, input, target));
                var inside = model.Inside.TotalMilliseconds;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {name,-16} {ms,9:F1}   {ms / explain,8:F3}   {ms / channels:F1} ms per channel ({channels} channels): model calls {inside / channels:F1}, engine (masks, weights, map) {(ms - inside) / channels:F2}"));
            }

            if (!medcam.ContainsKey("gradcam") && !medcam.ContainsKey("gradcam++"))
            {
                return check && missed ? 1 : 0;
            }

            // The peer stays up and answers one timed run per request, so its runs alternate with MedCam's (the order
            // flips every round): both sides see the same load.
            using var peer = PeerSession.Start(script, work, threads);
            foreach (var name in new[] { "gradcam", "gradcam++" }.Where(medcam.ContainsKey))
            {
                var method = CamMethods.Create(name);
                var ours = new List<double>();
                var theirs = new List<double>();
                double peerSum = 0;
                double ourSum = 0;
                for (var r = 0; r < repeat; r++)
                {
                    if (r % 2 == 1)
                    {
                        (var ms, peerSum) = peer.Run(name);
                        theirs.Add(ms);
                    }

                    CamResult? result = null;
                    ours.Add(Time(1, () => result = method.Compute(model, input, target)));
                    ourSum = result!.Maps.Data.Sum(v => (double)v);
                    if (r % 2 == 0)
                    {
                        (var ms, peerSum) = peer.Run(name);
                        theirs.Add(ms);
                    }
                }

                var peerMs = Median(theirs);
                var ourMs = Median(ours);
                var speedup = peerMs / ourMs;
                var agree = Math.Abs(peerSum - ourSum) <= 1e-3 * Math.Max(1, Math.Abs(peerSum));
                missed |= speedup < 2 || !agree;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {name}: PyTorch eager hooks {peerMs:F1} ms vs MedCam {ourMs:F1} ms = {speedup:F2}x, fastest {theirs.Min():F1} vs {ours.Min():F1} = {theirs.Min() / ours.Min():F2}x (target >= 2x: {(speedup >= 2 ? "met" : "MISSED")}); same map: {(agree ? "yes" : "NO")} (sum {ourSum:F2} vs {peerSum:F2})"));
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

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    internal static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The PyTorch peer in serve mode: one request line per timed run, one JSON answer line.</summary>
    private sealed class PeerSession : IDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _stderr;

        private PeerSession(Process process)
        {
            _process = process;
            _stderr = process.StandardError.ReadToEndAsync();
        }

        public static PeerSession Start(string script, string work, int threads)
        {
            var start = BenchPython.Start(script, ["serve", work, "--threads", Text(threads), "--warmup", "1"], threads);
            start.RedirectStandardInput = true;
            var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {Python}.");
            var session = new PeerSession(process);
            using var ready = session.ReadLine();
            if (!ready.RootElement.TryGetProperty("ready", out _))
            {
                session.Dispose();
                throw new InvalidOperationException($"The PyTorch peer did not start: {ready.RootElement}.");
            }

            return session;
        }

        public (double Ms, double Sum) Run(string method)
        {
            _process.StandardInput.WriteLine(method);
            _process.StandardInput.Flush();
            using var answer = ReadLine();
            if (answer.RootElement.TryGetProperty("error", out var error))
            {
                throw new InvalidOperationException($"The PyTorch peer: {error.GetString()}.");
            }

            return (answer.RootElement.GetProperty("ms").GetDouble(), answer.RootElement.GetProperty("sum").GetDouble());
        }

        public void Dispose()
        {
            try
            {
                _process.StandardInput.WriteLine("quit");
                _process.StandardInput.Close();
                if (!_process.WaitForExit(10_000))
                {
                    _process.Kill();
                }
            }
            catch (IOException)
            {
                // The peer already exited; nothing to stop.
            }

            _process.Dispose();
        }

        private JsonDocument ReadLine()
        {
            var line = _process.StandardOutput.ReadLine();
            if (line is null)
            {
                _process.WaitForExit();
                throw new InvalidOperationException($"The PyTorch peer exited ({_process.ExitCode}): {_stderr.Result}");
            }

            return JsonDocument.Parse(line);
        }
    }
}

/// <summary>Counts the time spent inside the model (forwards, explain and head calls), so the bench can tell the engine's own cost apart.</summary>
internal sealed class TimedModel(IExplainableModel inner) : IExplainableModel
{
    private readonly Stopwatch _inside = new();

    public IReadOnlyList<string> TargetLayers => inner.TargetLayers;

    /// <summary>Time inside the model since the last <see cref="Reset"/>.</summary>
    public TimeSpan Inside => _inside.Elapsed;

    public void Reset() => _inside.Reset();

    public Tensor Forward(Tensor input) => Timed(() => inner.Forward(input));

    public Tensor ForwardBatched(Tensor inputs, int maxBatch) => Timed(() => inner.ForwardBatched(inputs, maxBatch));

    public ExplainResult Explain(Tensor input, IReadOnlyList<string> layers, Tensor targetWeights) => Timed(() => inner.Explain(input, layers, targetWeights));

    public ExplainResult Explain(Tensor input, IReadOnlyList<string> layers, ReadOnlySpan<int> targetClasses)
    {
        var classes = targetClasses.ToArray();
        return Timed(() => inner.Explain(input, layers, classes));
    }

    public Tensor Head(string layer, Tensor activations) => Timed(() => inner.Head(layer, activations));

    private T Timed<T>(Func<T> call)
    {
        _inside.Start();
        try
        {
            return call();
        }
        finally
        {
            _inside.Stop();
        }
    }
}
