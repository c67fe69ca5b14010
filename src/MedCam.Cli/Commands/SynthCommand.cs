using System.CommandLine;
using System.Diagnostics;
using MedCam.Pipeline.Synthetic;

namespace MedCam.Cli.Commands;

/// <summary><c>medcam synth</c>: synthetic studies with labels and ground-truth masks, deterministic from a seed.</summary>
internal static class SynthCommand
{
    public static Command Create()
    {
        var task = new Option<string>("--task") { Description = "covid-ct, lung-us or bladder-histo.", Required = true };
        var count = new Option<int>("--count") { Description = "Number of cases (classes cycle, so any count is balanced).", DefaultValueFactory = _ => 3 };
        var seed = new Option<long>("--seed") { Description = "Seed: the same seed gives the same bytes.", DefaultValueFactory = _ => 1 };
        var first = new Option<int>("--first-index") { Description = "Index of the first case (generate a cohort in parts).", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output folder.", Required = true };
        var format = new Option<string>("--format") { Description = "npy (training files) or dicom.", DefaultValueFactory = _ => "npy" };
        var matrix = new Option<int?>("--matrix") { Description = "CT slice matrix (default 256) or ultrasound frame size (default 128)." };
        var slices = new Option<int?>("--slices") { Description = "CT slices (default 64)." };
        var frames = new Option<int?>("--frames") { Description = "Ultrasound frames (default 30)." };
        var tiles = new Option<int?>("--tiles") { Description = "Histology tiles per side at level 0 (default 4)." };

        var command = new Command("synth", "Generate synthetic studies (chest CT, lung ultrasound cine, bladder H&E slides) with labels and lesion masks.");
        foreach (var option in new Option[] { task, count, seed, first, output, format, matrix, slices, frames, tiles })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            try
            {
                var request = new SyntheticCohortRequest
                {
                    Task = SyntheticTasks.Parse(parse.GetValue(task)!),
                    Count = parse.GetValue(count),
                    Seed = parse.GetValue(seed),
                    FirstIndex = parse.GetValue(first),
                    Ct = new ChestCtOptions { Matrix = parse.GetValue(matrix) ?? 256, Slices = parse.GetValue(slices) ?? 64 },
                    Ultrasound = new LungUltrasoundOptions { Size = parse.GetValue(matrix) ?? 128, Frames = parse.GetValue(frames) ?? 30 },
                    Histology = new HistologyOptions { TilesAcross = parse.GetValue(tiles) ?? 4, TilesDown = parse.GetValue(tiles) ?? 4 },
                };
                return Run(request, parse.GetValue(output)!, parse.GetValue(format)!);
            }
            catch (Exception error) when (error is ArgumentException or IOException or UnauthorizedAccessException)
            {
                var message = error is ArgumentException { ParamName: { } name }
                    ? error.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal)
                    : error.Message;
                Console.Error.WriteLine($"medcam synth: {message}");
                return 2;
            }
        });
        return command;
    }

    private static int Run(SyntheticCohortRequest request, string output, string format)
    {
        if (request.Count is < 1 or > 100_000)
        {
            throw new ArgumentException($"--count must be 1-100000 (was {request.Count}).");
        }

        var clock = Stopwatch.StartNew();
        switch (format.ToLowerInvariant())
        {
            case "npy":
                var writer = new SyntheticNpyWriter(output, request);
                foreach (var item in SyntheticCohort.Generate(request))
                {
                    writer.Write(item);
                    Console.WriteLine($"{item.Id}  {item.ClassName}");
                }

                writer.Complete();
                break;
            case "dicom":
                var dicom = new SyntheticDicomWriter(output, request);
                foreach (var item in SyntheticCohort.Generate(request))
                {
                    var files = dicom.Write(item);
                    Console.WriteLine($"{item.Id}  {item.ClassName}  {files.Count} DICOM file(s)");
                }

                dicom.Complete();
                break;
            default:
                throw new ArgumentException($"Unknown --format '{format}': expected npy or dicom.");
        }

        Console.WriteLine($"{request.Count} {SyntheticTasks.Name(request.Task)} case(s), seed {request.Seed}, in {clock.Elapsed.TotalSeconds:F1} s -> {Path.GetFullPath(output)}");
        return 0;
    }
}
