using System.CommandLine;
using System.Text;
using MedCam.Dicom;

namespace MedCam.Cli.Commands;

/// <summary><c>medcam dicom dump FILE</c>: a dcmdump-like listing of the meta group and data set.</summary>
internal static class DicomDumpCommand
{
    private const int MaxShown = 64;

    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "DICOM file to list." };
        var command = new Command("dump", "List the elements of a DICOM file, like dcmdump.");
        command.Arguments.Add(file);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!.FullName;
            try
            {
                using var dicom = DicomFile.Open(path);
                var text = new StringBuilder();
                text.AppendLine("# Dicom-Meta-Information-Header");
                Append(text, dicom.FileMetaInformation, 0);
                text.AppendLine();
                text.AppendLine($"# Dicom-Data-Set (transfer syntax: {dicom.TransferSyntax.Name})");
                Append(text, dicom.Dataset, 0);
                Console.Out.Write(text.ToString());
                return 0;
            }
            catch (DicomException ex)
            {
                Console.Error.WriteLine($"medcam dicom dump: {path}: {ex.Message}");
                return 2;
            }
        });
        return command;
    }

    private static void Append(StringBuilder text, DicomDataset dataset, int depth)
    {
        var indent = new string(' ', depth * 2);
        foreach (var item in dataset)
        {
            var keyword = item.Tag.Keyword.Length > 0 ? item.Tag.Keyword : item.Tag.IsPrivate ? "PrivateTag" : "Unknown";
            switch (item)
            {
                case DicomSequence s:
                    text.AppendLine($"{indent}{s.Tag} SQ (Sequence with {s.Items.Count} item(s))  # {keyword}");
                    foreach (var child in s.Items)
                    {
                        text.AppendLine($"{indent}  (fffe,e000) na (Item)");
                        Append(text, child, depth + 2);
                        text.AppendLine($"{indent}  (fffe,e00d) na (ItemDelimitationItem)");
                    }

                    text.AppendLine($"{indent}(fffe,e0dd) na (SequenceDelimitationItem)");
                    break;
                case DicomFragmentSequence f:
                    text.AppendLine($"{indent}{f.Tag} {f.VR} (PixelSequence #={f.Fragments.Count + 1})  # {keyword}");
                    text.AppendLine($"{indent}  (fffe,e000) pi offset table, {f.BasicOffsetTable.Length} bytes");
                    for (var i = 0; i < f.Fragments.Count; i++)
                    {
                        text.AppendLine($"{indent}  (fffe,e000) pi fragment {i}, {f.Fragments[i].Length} bytes");
                    }

                    break;
                case DicomElement e:
                    text.AppendLine($"{indent}{e.Tag} {e.VR} {Value(e)}  # {e.Length}, {e.Count} {keyword}");
                    break;
            }
        }
    }

    private static string Value(DicomElement e)
    {
        if (e.Length == 0)
        {
            return "(no value available)";
        }

        if (e.VR.IsText)
        {
            var text = e.GetText();
            return "[" + (text.Length > 120 ? text[..120] + "..." : text) + "]";
        }

        if (e.VR == DicomVR.AT || e.VR.IsBinaryNumber)
        {
            var values = DicomValueReader.GetValues<string>(e);
            return string.Join('\\', values.Take(MaxShown)) + (values.Length > MaxShown ? "..." : string.Empty);
        }

        var bytes = e.Data.Span;
        var shown = Convert.ToHexString(bytes[..Math.Min(bytes.Length, 16)]).ToLowerInvariant();
        return (e.Length > 16 ? shown + "..." : shown) + $" ({e.Length} bytes)";
    }
}
