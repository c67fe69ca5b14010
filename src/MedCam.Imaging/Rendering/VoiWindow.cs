using System.Globalization;

namespace MedCam.Imaging.Rendering;

/// <summary>
/// A VOI window (PS3.3 C.11.2.1.2: Window Center and Window Width, in modality units such as Hounsfield) with the
/// usual CT presets.
/// </summary>
public readonly record struct VoiWindow
{
    public VoiWindow(double center, double width, string name = "")
    {
        if (!double.IsFinite(center) || !double.IsFinite(width) || width < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(width), $"A VOI window needs a finite centre and a width of at least 1 (PS3.3 C.11.2.1.2); got C={center} W={width}.");
        }

        Center = center;
        Width = width;
        Name = name;
    }

    public double Center { get; }

    public double Width { get; }

    public string Name { get; }

    /// <summary>Lung: W1500 / L-600.</summary>
    public static VoiWindow Lung { get; } = new(-600, 1500, "lung");

    /// <summary>Mediastinum: W350 / L50.</summary>
    public static VoiWindow Mediastinum { get; } = new(50, 350, "mediastinum");

    /// <summary>Bone: W1800 / L400.</summary>
    public static VoiWindow Bone { get; } = new(400, 1800, "bone");

    /// <summary>Brain: W80 / L40.</summary>
    public static VoiWindow Brain { get; } = new(40, 80, "brain");

    /// <summary>Abdomen soft tissue: W400 / L50.</summary>
    public static VoiWindow Abdomen { get; } = new(50, 400, "abdomen");

    public static IReadOnlyList<VoiWindow> Presets { get; } = [Lung, Mediastinum, Bone, Brain, Abdomen];

    /// <summary>A preset by name ("lung", ...), or "C,W" / "W1500/L-600" written out.</summary>
    public static VoiWindow Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var preset = Presets.FirstOrDefault(p => string.Equals(p.Name, text.Trim(), StringComparison.OrdinalIgnoreCase));
        if (preset.Name is not null && preset.Width >= 1)
        {
            return preset;
        }

        var t = text.Trim();
        if (t.StartsWith('W') || t.StartsWith('w'))
        {
            var parts = t[1..].Split('/', StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && parts[1].Length > 1 && char.ToUpperInvariant(parts[1][0]) == 'L'
                && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var w)
                && double.TryParse(parts[1][1..], NumberStyles.Float, CultureInfo.InvariantCulture, out var l))
            {
                return new VoiWindow(l, w);
            }
        }
        else
        {
            var parts = t.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length == 2
                && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var c)
                && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var w))
            {
                return new VoiWindow(c, w);
            }
        }

        throw new FormatException(
            $"Window '{text}' is neither a preset ({string.Join(", ", Presets.Select(p => p.Name))}) nor 'center,width' nor 'W<width>/L<level>'.");
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{(Name.Length > 0 ? Name + " " : "")}W{Width}/L{Center}");
}
