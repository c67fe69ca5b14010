using System.CommandLine;
using System.Globalization;
using MedCam.Dicom;
using MedCam.Dicom.Geometry;
using MedCam.Imaging.NumPy;

namespace MedCam.Cli.Commands;

/// <summary><c>medcam dicom volume DIR --out vol.npy</c>: builds a CT/MR volume and prints its geometry.</summary>
internal static class DicomVolumeCommand
{
    public static Command Create()
    {
        var directory = new Argument<DirectoryInfo>("series") { Description = "Folder holding one CT/MR series." };
        var output = new Option<FileInfo?>("--out") { Description = "Write the volume (float32, slices x rows x columns, HU) as .npy." };
        var series = new Option<string?>("--series") { Description = "Series Instance UID to pick when the folder holds several." };
        var irregular = new Option<bool>("--allow-irregular") { Description = "Accept missing slices / uneven spacing (mean step used)." };
        var command = new Command("volume", "Assemble a CT/MR series into a 3D volume (shape, spacing, LPS affine).");
        command.Arguments.Add(directory);
        command.Options.Add(output);
        command.Options.Add(series);
        command.Options.Add(irregular);
        command.SetAction(parse =>
        {
            try
            {
                var options = new VolumeBuildOptions { SeriesInstanceUid = parse.GetValue(series), AllowIrregularSpacing = parse.GetValue(irregular) };
                var volume = SeriesVolumeBuilder.BuildFromDirectory(parse.GetValue(directory)!.FullName, options);
                var ci = CultureInfo.InvariantCulture;
                Console.WriteLine($"shape: ({string.Join(", ", volume.Shape)})");
                Console.WriteLine($"spacing (x, y, z) mm: ({string.Join(", ", volume.Spacing.Select(s => s.ToString("0.####", ci)))})");
                Console.WriteLine("affine (voxel i,j,k -> LPS mm):");
                for (var r = 0; r < 4; r++)
                {
                    Console.WriteLine("  [" + string.Join(", ", Enumerable.Range(0, 4).Select(c => volume.Affine[r, c].ToString("0.####", ci).PadLeft(10))) + "]");
                }

                foreach (var warning in volume.Warnings)
                {
                    Console.WriteLine($"warning: {warning}");
                }

                if (parse.GetValue(output) is { } npy)
                {
                    NpyFile.Write(npy.FullName, volume.Voxels, volume.Shape);
                    Console.WriteLine($"wrote {npy.FullName}");
                }

                return 0;
            }
            catch (DicomException ex)
            {
                Console.Error.WriteLine($"medcam dicom volume: {ex.Message}");
                return 2;
            }
        });
        return command;
    }
}
