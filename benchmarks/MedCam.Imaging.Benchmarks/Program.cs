using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/MedCam.Imaging.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(MedCam.Imaging.Benchmarks.OverlayBenchmarks).Assembly).Run(args);
