using System.Diagnostics;
using System.Globalization;
using MedCam.Dicom.Benchmarks;
using MedCam.Dicom.Geometry;

// CT series load benchmark, all contenders on the same files in the same run:
//   dotnet run -c Release --project benchmarks/MedCam.Dicom.Benchmarks -- [--slices 300] [--size 512] [--dir path] [--runs 3]
//   ... -- --kernels   runs the BenchmarkDotNet kernel benchmarks (16-bit stored values to HU) instead.
// Contenders: MedCam SeriesVolumeBuilder (float32 HU volume), reading the file bytes alone, pydicom + NumPy stacking.
// Peak memory is measured in a fresh child process (VmHWM) so earlier runs do not inflate it.
var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal) && p.i + 1 < args.Length)
    .ToDictionary(p => p.a, p => args[p.i + 1], StringComparer.Ordinal);
var slices = int.Parse(options.GetValueOrDefault("--slices", "300"), CultureInfo.InvariantCulture);
var size = int.Parse(options.GetValueOrDefault("--size", "512"), CultureInfo.InvariantCulture);
var runs = int.Parse(options.GetValueOrDefault("--runs", "3"), CultureInfo.InvariantCulture);
var dir = options.GetValueOrDefault("--dir") ?? Path.Combine(Path.GetTempPath(), $"medcam-bench-ct-{slices}x{size}");

if (args.Contains("--kernels"))
{
    BenchmarkDotNet.Running.BenchmarkRunner.Run<SampleConversionBenchmarks>();
    return 0;
}

if (args.Contains("--memory-child"))
{
    var baseline = PeakRss();
    var v = SeriesVolumeBuilder.BuildFromDirectory(dir);
    GC.KeepAlive(v);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{PeakRss() - baseline} {v.Voxels.LongLength * 4}"));
    return 0;
}

if (!Directory.Exists(dir) || Directory.GetFiles(dir, "*.dcm").Length != slices)
{
    Console.WriteLine($"writing {slices} slices of {size}x{size} to {dir} ...");
    CtSeriesGenerator.Write(dir, slices, size);
}

var files = Directory.GetFiles(dir, "*.dcm").Order(StringComparer.Ordinal).ToArray();
var totalBytes = files.Sum(f => new FileInfo(f).Length);
Console.WriteLine($"{files.Length} files, {totalBytes / 1048576.0:0.0} MiB, {Environment.ProcessorCount} cores");

double Best(Action action)
{
    action(); // warm-up: JIT and page cache
    var best = double.MaxValue;
    for (var r = 0; r < runs; r++)
    {
        GC.Collect();
        var watch = Stopwatch.StartNew();
        action();
        best = Math.Min(best, watch.Elapsed.TotalSeconds);
    }

    return best;
}

var bytesOnly = Best(() =>
{
    long sum = 0;
    foreach (var f in files)
    {
        sum += File.ReadAllBytes(f).Length;
    }

    GC.KeepAlive(sum);
});
var medcam = Best(() => GC.KeepAlive(SeriesVolumeBuilder.BuildFromDirectory(dir)));
var pydicom = RunPydicom(dir, runs);
var (peak, volumeBytes) = MeasureMemory(dir);

Console.WriteLine();
Console.WriteLine($"| contender | best of {runs} (s) | ratio |");
Console.WriteLine("|---|---|---|");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| read bytes only (File.ReadAllBytes) | {bytesOnly:0.000} | MedCam / bytes = {medcam / bytesOnly:0.00}x (target <= 3x) |"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| MedCam SeriesVolumeBuilder -> float32 HU | {medcam:0.000} | |"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| pydicom dcmread + sort + NumPy stack float32 HU | {pydicom:0.000} | pydicom / MedCam = {pydicom / medcam:0.0}x (target >= 5x) |"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak memory growth while building: {peak / 1048576.0:0.0} MiB for a {volumeBytes / 1048576.0:0.0} MiB volume = {(double)peak / volumeBytes:0.00}x (target <= 1.5x)"));
return 0;

static long PeakRss()
{
    var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}

static (long Peak, long Volume) MeasureMemory(string dir)
{
    var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
    foreach (var a in Environment.GetCommandLineArgs().Skip(1).Where(a => !a.Equals("--memory-child", StringComparison.Ordinal)))
    {
        info.ArgumentList.Add(a);
    }

    if (!info.FileName.EndsWith("MedCam.Dicom.Benchmarks", StringComparison.Ordinal))
    {
        info.ArgumentList.Insert(0, typeof(CtSeriesGenerator).Assembly.Location);
    }

    info.ArgumentList.Add("--dir");
    info.ArgumentList.Add(dir);
    info.ArgumentList.Add("--memory-child");
    info.ArgumentList.Add("1");
    using var child = Process.Start(info)!;
    var output = child.StandardOutput.ReadToEnd().Trim().Split(' ');
    child.WaitForExit();
    return (long.Parse(output[0], CultureInfo.InvariantCulture), long.Parse(output[1], CultureInfo.InvariantCulture));
}

static double RunPydicom(string dir, int runs)
{
    var script = $$"""
        import glob, time, numpy as np, pydicom
        files = sorted(glob.glob('{{dir}}/*.dcm'))
        def load():
            dss = [pydicom.dcmread(f) for f in files]
            iop = np.array(dss[0].ImageOrientationPatient, dtype=float)
            normal = np.cross(iop[:3], iop[3:])
            dss.sort(key=lambda d: float(np.dot(normal, np.array(d.ImagePositionPatient, dtype=float))))
            return np.stack([d.pixel_array.astype(np.float32) * float(d.RescaleSlope) + float(d.RescaleIntercept) for d in dss])
        load()
        best = 1e9
        for _ in range({{runs}}):
            t = time.perf_counter(); v = load(); best = min(best, time.perf_counter() - t)
        print(best)
        """;
    var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    info.ArgumentList.Add("-c");
    info.ArgumentList.Add(script);
    using var python = Process.Start(info) ?? throw new InvalidOperationException("/usr/bin/python3 (with pydicom and numpy) is required.");
    var stdout = python.StandardOutput.ReadToEnd();
    var stderr = python.StandardError.ReadToEnd();
    python.WaitForExit();
    if (python.ExitCode != 0)
    {
        throw new InvalidOperationException("pydicom contender failed: " + stderr);
    }

    return double.Parse(stdout.Trim(), CultureInfo.InvariantCulture);
}
