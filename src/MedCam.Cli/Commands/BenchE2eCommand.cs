using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MedCam.Outputs;
using MedCam.Pipeline;
using MedCam.Torch;

namespace MedCam.Cli.Commands;

/// <summary>
/// <c>medcam bench e2e</c>: the covid-ct main job end to end on the sample CT study (DICOM in, one Secondary Capture
/// per slice out) in MedCam's pipeline against the same job in Python (pydicom + torch + tensor-hook Grad-CAM +
/// pydicom SC writing, src/MedCam.Pipeline/Bench/bench_e2e_peer.py) in the same run, with peak memory of each side.
/// </summary>
internal static class BenchE2eCommand
{
    private const string Python = "/usr/bin/python3";

    public static Command Create()
    {
        var study = new Option<string>("--study") { Description = "CT study folder (default: sample-data/covid-ct/covid-ct-s2026-0000)." };
        var model = new Option<string>("--model") { Description = "Model package (default: sample-data/models/covid-ct-3d)." };
        var runs = new Option<int>("--runs") { Description = "Runs per side; the first is reported as cold, the median of the rest as warm.", DefaultValueFactory = _ => 4 };
        var threads = new Option<int>("--threads") { Description = "Intra-op threads for both sides.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("e2e", "End-to-end covid-ct job (DICOM in, SC out): MedCam pipeline vs the same job in Python, time and peak memory.");
        foreach (var option in new Option[] { study, model, runs, threads })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            var root = FindRoot();
            var studyPath = parse.GetValue(study) ?? Path.Combine(root, "sample-data", "covid-ct", "covid-ct-s2026-0000");
            var modelPath = parse.GetValue(model) ?? Path.Combine(root, "sample-data", "models", "covid-ct-3d");
            var n = Math.Max(2, parse.GetValue(runs));
            var t = Math.Max(1, parse.GetValue(threads));
            var work = Directory.CreateTempSubdirectory("medcam-bench-e2e-").FullName;
            try
            {
                TorchRuntime.SetNumThreads(t);
                var medcam = new List<double>();
                for (var i = 0; i < n; i++)
                {
                    var watch = Stopwatch.StartNew();
                    StudyPipeline.Run(StudyInput.FromPath(studyPath), new PipelineOptions
                    {
                        OutputDirectory = Path.Combine(work, $"medcam{i}"),
                        Task = "covid-ct",
                        Model = modelPath,
                        Formats = OutputFormat.SecondaryCapture,
                    });
                    medcam.Add(watch.Elapsed.TotalSeconds);
                }

                using var self = Process.GetCurrentProcess();
                self.Refresh();
                var medcamPeakMb = self.PeakWorkingSet64 / 1048576.0;
                var (python, pythonPeakMb) = RunPeer(Path.Combine(root, "src", "MedCam.Pipeline", "Bench", "bench_e2e_peer.py"), studyPath, modelPath, Path.Combine(work, "python"), n, t);

                var mWarm = Median(medcam.Skip(1));
                var pWarm = Median(python.Skip(1));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"covid-ct end to end ({Path.GetFileName(studyPath)}, {t} thread(s), {n} runs each; load avg {LoadAverage()})"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  MedCam  cold {medcam[0],7:F2} s  warm median {mWarm,7:F2} s  peak RSS {medcamPeakMb,7:F0} MB (whole bench process)"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  Python  cold {python[0],7:F2} s  warm median {pWarm,7:F2} s  peak RSS {pythonPeakMb,7:F0} MB"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  speed-up (Python / MedCam): cold {python[0] / medcam[0]:F2}x, warm {pWarm / mWarm:F2}x (target >= 2x)"));
                var json = new JsonObject
                {
                    ["medcam_seconds"] = new JsonArray(medcam.Select(v => (JsonNode)Math.Round(v, 3)).ToArray()),
                    ["python_seconds"] = new JsonArray(python.Select(v => (JsonNode)Math.Round(v, 3)).ToArray()),
                    ["medcam_peak_mb"] = Math.Round(medcamPeakMb, 1),
                    ["python_peak_mb"] = Math.Round(pythonPeakMb, 1),
                    ["speedup_warm"] = Math.Round(pWarm / mWarm, 2),
                };
                Console.WriteLine(json.ToJsonString());
                return 0;
            }
            catch (Exception e) when (e is PipelineException or IOException or InvalidOperationException or TorchException)
            {
                Console.Error.WriteLine($"medcam bench e2e: {e.Message}");
                return 2;
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
        });
        return command;
    }

    private static (List<double> Seconds, double PeakMb) RunPeer(string script, string study, string model, string output, int runs, int threads)
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing: the peer needs Python 3 with torch, pydicom and numpy (scripts/setup.sh).");
        }

        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { script, study, model, output, runs.ToString(CultureInfo.InvariantCulture), threads.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {Python}.");
        var stderr = process.StandardError.ReadToEndAsync();
        var seconds = new List<double>();
        double peak = 0;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            var node = JsonNode.Parse(line)!;
            seconds.Add(node["seconds"]!.GetValue<double>());
            peak = Math.Max(peak, node["max_rss_kb"]!.GetValue<double>() / 1024.0);
        }

        process.WaitForExit();
        if (process.ExitCode != 0 || seconds.Count != runs)
        {
            throw new InvalidOperationException($"The Python peer failed (exit {process.ExitCode}): {stderr.Result}");
        }

        return (seconds, peak);
    }

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
