using System.Globalization;
using System.Text;

// Regenerates MedCam.Dicom's committed dictionary sources from standard inputs:
//   dotnet run --project tools/MedCam.DictionaryGen -- [--dic /usr/share/libdcmtk17/dicom.dic] [--uids uids.tsv] [--out dir]
// The output is deterministic: re-running on the same inputs gives byte-identical files.
var options = ParseArguments(args);
var dicPath = options.GetValueOrDefault("--dic") ?? FindDcmtkDictionary();
var toolDir = Path.GetDirectoryName(Path.GetFullPath(typeof(DictionaryEntry).Assembly.Location))!;
var uidPath = options.GetValueOrDefault("--uids") ?? FindUpwards("tools/MedCam.DictionaryGen/uids.tsv", toolDir);
var outDir = options.GetValueOrDefault("--out") ?? Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(uidPath)!)!)!, "src/MedCam.Dicom/Dictionary/Generated");

var entries = DcmtkDictionaryParser.Parse(File.ReadLines(dicPath)).ToList();
var uids = UidListParser.Parse(File.ReadLines(uidPath)).ToList();
Directory.CreateDirectory(outDir);
File.WriteAllText(Path.Combine(outDir, "DicomDictionaryData.g.cs"), CSharpEmitter.Dictionary(entries, Path.GetFileName(dicPath)));
File.WriteAllText(Path.Combine(outDir, "DicomTags.g.cs"), CSharpEmitter.Tags(entries));
File.WriteAllText(Path.Combine(outDir, "DicomUids.g.cs"), CSharpEmitter.Uids(uids));
Console.WriteLine($"{entries.Count} dictionary entries from {dicPath}, {uids.Count} UIDs from {uidPath} -> {outDir}");
return 0;

static Dictionary<string, string> ParseArguments(string[] args)
{
    var result = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        result[args[i]] = args[i + 1];
    }

    return result;
}

static string FindDcmtkDictionary()
{
    foreach (var dir in Directory.Exists("/usr/share") ? Directory.GetDirectories("/usr/share", "libdcmtk*") : [])
    {
        var candidate = Path.Combine(dir, "dicom.dic");
        if (File.Exists(candidate))
        {
            return candidate;
        }
    }

    throw new FileNotFoundException("dcmtk's dicom.dic was not found under /usr/share/libdcmtk*/; install dcmtk or pass --dic <path>.");
}

static string FindUpwards(string relative, string start)
{
    for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, relative);
        if (File.Exists(candidate))
        {
            return candidate;
        }
    }

    var cwd = Path.Combine(Directory.GetCurrentDirectory(), relative);
    return File.Exists(cwd) ? cwd : throw new FileNotFoundException($"{relative} not found above {start}; pass --uids <path>.");
}

internal sealed record DictionaryEntry(uint Tag, uint Mask, string Keyword, string Vrs, string Vm, bool Retired);

internal sealed record UidEntry(string Uid, string Keyword, string Name, string Type);

internal static class DcmtkDictionaryParser
{
    // dcmtk pseudo VRs -> the standard VRs they stand for (PS3.6 lists "US or SS", "OB or OW").
    private static readonly Dictionary<string, string> PseudoVrs = new(StringComparer.Ordinal)
    {
        ["xs"] = "US/SS",
        ["ox"] = "OW/OB",
        ["px"] = "OW/OB",
        ["lt"] = "OW/US/SS",
        ["up"] = "UL",
    };

    public static IEnumerable<DictionaryEntry> Parse(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var f = line.Split('\t');
            if (f.Length < 5 || f[1] == "na" || f[4] is "PRIVATE" or "ILLEGAL" or "GENERIC")
            {
                continue;
            }

            var (tag, mask) = ParseTag(f[0]);
            var keyword = f[2];
            var retired = keyword.StartsWith("RETIRED_", StringComparison.Ordinal) || f[4].EndsWith("/retired", StringComparison.Ordinal);
            if (keyword.StartsWith("RETIRED_", StringComparison.Ordinal))
            {
                keyword = keyword["RETIRED_".Length..];
            }

            var vrs = PseudoVrs.GetValueOrDefault(f[1]) ?? f[1];
            yield return new DictionaryEntry(tag, mask, keyword, vrs, f[3], retired);
        }
    }

    // "(6000-60FF,3000)" repeats over even groups; "(0020,3100-31FF)" over all elements in the range.
    private static (uint Tag, uint Mask) ParseTag(string text)
    {
        var parts = text.Trim('(', ')').Split(',');
        var (group, groupMask) = ParseRange(parts[0], isGroup: true);
        var (element, elementMask) = ParseRange(parts[1], isGroup: false);
        return (((uint)group << 16) | element, ((uint)groupMask << 16) | elementMask);
    }

    private static (ushort Value, ushort Mask) ParseRange(string text, bool isGroup)
    {
        var bounds = text.Split('-');
        var low = ushort.Parse(bounds[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        if (bounds.Length == 1)
        {
            return (low, 0xFFFF);
        }

        var high = ushort.Parse(bounds[^1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var varying = (ushort)(low ^ high);
        var mask = (ushort)~varying;
        if (isGroup)
        {
            mask |= 1; // repeating groups are even
        }

        return (low, mask);
    }
}

internal static class UidListParser
{
    public static IEnumerable<UidEntry> Parse(IEnumerable<string> lines) =>
        lines.Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('\t')).Select(f => new UidEntry(f[0], f[1], f[2], f[3]));
}

internal static class CSharpEmitter
{
    private const string Header = "// <auto-generated>Generated by tools/MedCam.DictionaryGen; do not edit by hand.</auto-generated>\n";

    public static string Dictionary(IEnumerable<DictionaryEntry> entries, string source)
    {
        var sb = new StringBuilder(Header);
        sb.Append("namespace MedCam.Dicom;\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"/// <summary>Entries of the standard data dictionary, from dcmtk's {source}.</summary>\n");
        sb.Append("internal static class DicomDictionaryData\n{\n    internal static DicomDictionaryEntry[] CreateEntries() =>\n    [\n");
        foreach (var e in entries)
        {
            sb.Append(CultureInfo.InvariantCulture, $"        new(0x{e.Tag:X8}u, 0x{e.Mask:X8}u, \"{e.Keyword}\", \"{e.Vrs}\", \"{e.Vm}\", {(e.Retired ? "true" : "false")}),\n");
        }

        sb.Append("    ];\n}\n");
        return sb.ToString();
    }

    public static string Tags(IEnumerable<DictionaryEntry> entries)
    {
        var sb = new StringBuilder(Header);
        sb.Append("namespace MedCam.Dicom;\n\n");
        sb.Append("/// <summary>Every standard attribute tag by keyword (repeating groups give their first group).</summary>\n");
        sb.Append("public static class DicomTags\n{\n");
        foreach (var e in entries)
        {
            sb.Append(CultureInfo.InvariantCulture, $"    /// <summary>({e.Tag >> 16:X4},{e.Tag & 0xFFFF:X4}) {e.Vrs} {e.Vm}{(e.Retired ? " (retired)" : string.Empty)}</summary>\n");
            sb.Append(CultureInfo.InvariantCulture, $"    public static readonly DicomTag {e.Keyword} = new(0x{e.Tag:X8}u);\n\n");
        }

        sb.Length -= 1;
        sb.Append("}\n");
        return sb.ToString();
    }

    public static string Uids(IEnumerable<UidEntry> uids)
    {
        var list = uids.ToList();
        var sb = new StringBuilder(Header);
        sb.Append("namespace MedCam.Dicom;\n\n");
        sb.Append("/// <summary>Well-known UIDs (PS3.6 Annex A): transfer syntaxes, SOP classes, application context.</summary>\n");
        sb.Append("public static partial class DicomUids\n{\n");
        foreach (var u in list)
        {
            sb.Append(CultureInfo.InvariantCulture, $"    /// <summary>{u.Name}</summary>\n");
            sb.Append(CultureInfo.InvariantCulture, $"    public static readonly DicomUid {u.Keyword} = new(\"{u.Uid}\", \"{u.Name}\", DicomUidType.{u.Type});\n\n");
        }

        sb.Append("    private static DicomUid[] CreateAll() =>\n    [\n");
        foreach (var u in list)
        {
            sb.Append(CultureInfo.InvariantCulture, $"        {u.Keyword},\n");
        }

        sb.Append("    ];\n}\n");
        return sb.ToString();
    }
}
