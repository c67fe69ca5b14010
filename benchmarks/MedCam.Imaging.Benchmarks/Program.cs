using System.Diagnostics;
using BenchmarkDotNet.Running;
using MedCam.Imaging.Benchmarks;

// dotnet run -c Release -- --filter '*'     BenchmarkDotNet (wall clock)
// dotnet run -c Release -- --cpu-time       CPU time per operation: meaningful on a machine shared with other jobs
if (args.Length > 0 && args[0] == "--cpu-time")
{
    var overlay = new OverlayBenchmarks();
    overlay.Setup();
    var png = new PngBenchmarks();
    png.Setup();
    CpuTime("overlay: naive per-pixel (baseline)", 200, () => overlay.NaivePerPixel());
    CpuTime("overlay: OverlayRenderer, corners", 200, () => overlay.OverlayRendererCorners());
    CpuTime("windowing only", 1000, overlay.WindowingOnly);
    CpuTime("png: no filter, fastest (baseline)", 20, () => png.NoFilterFastest());
    CpuTime("png: adaptive filters, fastest", 20, () => png.AdaptiveFastest());
    CpuTime("png: adaptive filters, optimal", 10, () => png.AdaptiveOptimal());
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(OverlayBenchmarks).Assembly).Run(args);

static void CpuTime(string name, int count, Action op)
{
    for (var i = 0; i < Math.Max(3, count / 10); i++)
    {
        op();
    }

    var thread = Process.GetCurrentProcess();
    var cpu0 = thread.TotalProcessorTime;
    var wall = Stopwatch.StartNew();
    for (var i = 0; i < count; i++)
    {
        op();
    }

    thread.Refresh();
    var cpu = (thread.TotalProcessorTime - cpu0).TotalMilliseconds / count;
    Console.WriteLine($"{name,-40} cpu {cpu,8:F3} ms/op   wall {wall.Elapsed.TotalMilliseconds / count,8:F3} ms/op");
}
