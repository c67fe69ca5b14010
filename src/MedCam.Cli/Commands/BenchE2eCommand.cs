using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MedCam.Imaging.Rendering;
using MedCam.Outputs;
using MedCam.Pipeline;
using MedCam.Torch;

namespace MedCam.Cli.Commands;

/// <summary>
/// <c>medcam bench e2e</c>: the covid-ct main job end to end on the sample CT study (DICOM in, Grad-CAM, one Secondary
/// Capture per slice out) in MedCam's pipeline against the same job in Python (pydicom + torch + tensor-hook Grad-CAM +
/// pydicom SC writing, src/MedCam.Pipeline/Bench/bench_e2e_peer.py) in the same run. Like for like, the SC-only
/// side writes SCs on the source grid as the peer does (corner text placement; the default, Auto, magnifies 128-pixel
/// slices to 256 and adds text bands, which the all-outputs side keeps). Every side runs as its own child
/// process under src/MedCam.Pipeline/Bench/measure_process.py, which reads that child's peak RSS from wait4(2), so the
/// memory figures are per process and measured the same way for both sides. Warm: one process per side runs the job
/// repeatedly in process (median of runs 2..n). Cold: whole processes (<c>medcam explain</c> vs <c>python3 peer</c>,
/// interpreter / runtime start, imports, libtorch load and JIT included), sides interleaved so load spikes hit both.
/// </summary>
internal static class BenchE2eCommand
{
    private const string Python = BenchPython.Executable;

    private static readonly string[] Sides = ["medcam-sc", "python-sc", "medcam-all"];

    public static Command Create()
    {
        var study = new Option<string>("--study") { Description = "CT study folder (default: sample-data/covid-ct/covid-ct-s2026-0000)." };
        var model = new Option<string>("--model") { Description = "Model package (default: sample-data/models/covid-ct-3d)." };
        var runs = new Option<int>("--runs") { Description = "Warm: runs inside one process per side; the median of runs 2..n is reported.", DefaultValueFactory = _ => 5 };
        var coldRuns = new Option<int>("--cold-runs") { Description = "Cold: whole processes per side (median reported).", DefaultValueFactory = _ => 3 };
        var threads = new Option<int>("--threads") { Description = "Intra-op threads for both sides.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var inner = new Option<string>("--inner") { Description = "Internal: run the MedCam side in this process ('sc' or 'all') and print one JSON line per run.", Hidden = true };
        var output = new Option<string>("--out") { Description = "Internal (--inner): output folder.", Hidden = true };
        var command = new Command("e2e", "End-to-end covid-ct job (DICOM in, SC out): MedCam vs the same job in Python, warm and cold, peak RSS per process.");
        foreach (var option in new Option[] { study, model, runs, coldRuns, threads, inner, output })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            try
            {
                var root = FindRoot();
                var studyPath = Path.GetFullPath(parse.GetValue(study) ?? Path.Combine(root, "sample-data", "covid-ct", "covid-ct-s2026-0000"));
                var modelPath = Path.GetFullPath(parse.GetValue(model) ?? Path.Combine(root, "sample-data", "models", "covid-ct-3d"));
                var n = Math.Max(2, parse.GetValue(runs));
                var t = Math.Max(1, parse.GetValue(threads));
                if (parse.GetValue(inner) is { } formats)
                {
                    return RunInner(studyPath, modelPath, formats, parse.GetValue(output) ?? throw new ArgumentException("--inner needs --out."), n, t);
                }

                return RunBench(root, studyPath, modelPath, n, Math.Max(1, parse.GetValue(coldRuns)), t);
            }
            catch (Exception e) when (e is PipelineException or IOException or InvalidOperationException or TorchException or ArgumentException)
            {
                Console.Error.WriteLine($"medcam bench e2e: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    /// <summary>The MedCam warm side: the whole pipeline n times in this process, one JSON line per run.</summary>
    private static int RunInner(string studyPath, string modelPath, string formats, string output, int runs, int threads)
    {
        TorchRuntime.SetNumThreads(threads);
        var selected = formats == "all" ? (OutputFormat?)null : OutputFormats.Parse([formats]);
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            var result = StudyPipeline.Run(StudyInput.FromPath(studyPath), new PipelineOptions
            {
                OutputDirectory = Path.Combine(output, $"run{i}"),
                Task = "covid-ct",
                Model = modelPath,
                Formats = selected,
                // SC only is compared with the peer's plain 128 x 128 SCs: same grid (corners); all outputs: defaults.
                Render = selected is null ? null : new RenderSettings { Placement = AnnotationPlacement.Corners },
            });
            var seconds = watch.Elapsed.TotalSeconds;
            Console.WriteLine(new JsonObject { ["run"] = i, ["seconds"] = seconds, ["predicted"] = result.Prediction.ClassIndex, ["files"] = result.DicomFiles.Count + result.ResearchFiles.Count }.ToJsonString());
        }

        return 0;
    }

    private static int RunBench(string root, string studyPath, string modelPath, int runs, int coldRuns, int threads)
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing: the peer needs Python 3 with torch, pydicom and numpy (scripts/setup.sh).");
        }

        var bench = Path.Combine(root, "src", "MedCam.Pipeline", "Bench");
        var peer = Path.Combine(bench, "bench_e2e_peer.py");
        var work = Directory.CreateTempSubdirectory("medcam-bench-e2e-").FullName;
        var loadBefore = LoadAverage();
        try
        {
            var self = SelfCommand();
            string[] Warm(string side, string outDir) => side switch
            {
                "python-sc" => [Python, peer, studyPath, modelPath, outDir, Text(runs), Text(threads)],
                _ => [.. self, "bench", "e2e", "--inner", side == "medcam-sc" ? "sc" : "all", "--study", studyPath, "--model", modelPath, "--runs", Text(runs), "--threads", Text(threads), "--out", outDir],
            };
            string[] Cold(string side, string outDir) => side switch
            {
                "python-sc" => [Python, peer, studyPath, modelPath, outDir, "1", Text(threads)],
                "medcam-sc" => [.. self, "explain", studyPath, "--task", "covid-ct", "--model", modelPath, "--format", "sc", "--placement", "Corners", "--out", outDir],
                _ => [.. self, "explain", studyPath, "--task", "covid-ct", "--model", modelPath, "--out", outDir],
            };

            var warm = new Dictionary<string, (List<double> Seconds, Measured Process)>();
            foreach (var side in Sides)
            {
                var (lines, measured) = Measure(bench, Warm(side, Path.Combine(work, "warm-" + side)), threads);
                var seconds = lines.Select(l => JsonNode.Parse(l)!["seconds"]!.GetValue<double>()).ToList();
                if (seconds.Count != runs)
                {
                    throw new InvalidOperationException($"{side}: expected {runs} warm runs, got {seconds.Count}.");
                }

                warm[side] = (seconds, measured);
            }

            var cold = Sides.ToDictionary(s => s, _ => new List<Measured>());
            for (var i = 0; i < coldRuns; i++)
            {
                foreach (var side in Sides)
                {
                    cold[side].Add(Measure(bench, Cold(side, Path.Combine(work, $"cold-{side}-{i}")), threads).Process);
                }
            }

            Report(studyPath, threads, runs, coldRuns, loadBefore, warm, cold);
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static void Report(string studyPath, int threads, int runs, int coldRuns, string loadBefore, Dictionary<string, (List<double> Seconds, Measured Process)> warm, Dictionary<string, List<Measured>> cold)
    {
        string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        double WarmMedian(string side) => Median(warm[side].Seconds.Skip(1));
        double ColdMedian(string side) => Median(cold[side].Select(m => m.Seconds));
        double ColdPeak(string side) => cold[side].Max(m => m.PeakMb);
        double ColdCpu(string side) => Median(cold[side].Select(m => m.CpuSeconds));

        Console.WriteLine(F($"covid-ct end to end ({Path.GetFileName(studyPath)}, {threads} thread(s); warm: {runs} runs in one process, median of runs 2..{runs}; cold: median of {coldRuns} whole processes)"));
        Console.WriteLine(F($"load average before {loadBefore}, after {LoadAverage()}"));
        Console.WriteLine(F($"  {"side",-52} {"warm",8} {"1st run",8} {"cold",8} {"cold CPU",8}   peak RSS warm proc / cold proc"));
        foreach (var (side, label) in new[] { ("medcam-sc", "MedCam, SC series only"), ("python-sc", "Python peer, SC series only"), ("medcam-all", "MedCam, all outputs (+mfsc/pmap/fhir/nifti/png/npy)") })
        {
            Console.WriteLine(F($"  {label,-52} {WarmMedian(side),7:F3}s {warm[side].Seconds[0],7:F3}s {ColdMedian(side),7:F3}s {ColdCpu(side),7:F3}s   {warm[side].Process.PeakMb,6:F1} MB / {ColdPeak(side),6:F1} MB"));
        }

        var warmSpeedup = WarmMedian("python-sc") / WarmMedian("medcam-sc");
        var coldSpeedup = ColdMedian("python-sc") / ColdMedian("medcam-sc");
        Console.WriteLine(F($"  speed-up Python / MedCam, SC only (like for like): warm {warmSpeedup:F2}x, cold {coldSpeedup:F2}x, cold CPU time {ColdCpu("python-sc") / ColdCpu("medcam-sc"):F2}x (target >= 2x)"));
        Console.WriteLine(F($"  MedCam all outputs vs Python SC only: warm {WarmMedian("python-sc") / WarmMedian("medcam-all"):F2}x, cold {ColdMedian("python-sc") / ColdMedian("medcam-all"):F2}x"));

        var json = new JsonObject { ["threads"] = threads, ["load_before"] = loadBefore, ["load_after"] = LoadAverage() };
        foreach (var side in Sides)
        {
            json[side] = new JsonObject
            {
                ["warm_seconds"] = new JsonArray(warm[side].Seconds.Select(v => (JsonNode)Math.Round(v, 3)).ToArray()),
                ["warm_process_peak_mb"] = Math.Round(warm[side].Process.PeakMb, 1),
                ["cold_process_seconds"] = new JsonArray(cold[side].Select(m => (JsonNode)Math.Round(m.Seconds, 3)).ToArray()),
                ["cold_process_cpu_seconds"] = new JsonArray(cold[side].Select(m => (JsonNode)Math.Round(m.CpuSeconds, 3)).ToArray()),
                ["cold_process_peak_mb"] = Math.Round(ColdPeak(side), 1),
            };
        }

        json["speedup_sc_warm"] = Math.Round(warmSpeedup, 2);
        json["speedup_sc_cold"] = Math.Round(coldSpeedup, 2);
        Console.WriteLine(json.ToJsonString());
    }

    private sealed record Measured(double Seconds, double CpuSeconds, double PeakMb);

    /// <summary>Runs one command under measure_process.py: its stdout lines, wall seconds and peak RSS (wait4).</summary>
    private static (List<string> Lines, Measured Process) Measure(string bench, string[] command, int threads)
    {
        var result = Path.Combine(Path.GetTempPath(), $"medcam-bench-e2e-{Guid.NewGuid():N}.json");
        // Same threading for both sides: libtorch's OpenMP pool (MedCam reads MEDCAM_NUM_THREADS, the peer calls
        // torch.set_num_threads) and OpenMP's wait policy as MedCam sets it for itself.
        var start = BenchPython.Start(Path.Combine(bench, "measure_process.py"), [result, .. command], threads);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {Python}.");
        var stderr = process.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith('{'))
            {
                lines.Add(line);
            }
        }

        process.WaitForExit();
        try
        {
            if (process.ExitCode != 0 || !File.Exists(result))
            {
                throw new InvalidOperationException($"'{string.Join(' ', command.Take(4))} ...' failed (exit {process.ExitCode}): {stderr.Result}");
            }

            var node = JsonNode.Parse(File.ReadAllText(result))!;
            return (lines, new Measured(node["seconds"]!.GetValue<double>(), node["cpu_seconds"]!.GetValue<double>(), node["max_rss_kb"]!.GetValue<long>() / 1024.0));
        }
        finally
        {
            File.Delete(result);
        }
    }

    /// <summary>How to start this same medcam again: the apphost, or <c>dotnet medcam.dll</c>.</summary>
    private static string[] SelfCommand()
    {
        var exe = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown.");
        return Path.GetFileNameWithoutExtension(exe) == "dotnet" ? [exe, Environment.GetCommandLineArgs()[0]] : [exe];
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MedCam.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("The MedCam repository (MedCam.sln) was not found above the current folder; pass --study and --model.");
    }
}
