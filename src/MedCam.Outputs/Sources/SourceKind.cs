namespace MedCam.Outputs.Sources;

/// <summary>How the source images are laid out, which decides the grid a CAM lives on.</summary>
public enum SourceKind
{
    /// <summary>A series of single-frame slices with geometry (CT): the CAM is slices x rows x columns in volume order.</summary>
    Volume,

    /// <summary>One multi-frame object (ultrasound cine): the CAM is frames x rows x columns.</summary>
    MultiFrame,

    /// <summary>Single-frame images without slice geometry (histology tile, radiograph): one CAM frame per image.</summary>
    Images,
}

/// <summary>How a source frame's pixels are shown under the heatmap.</summary>
public enum SourcePixelKind
{
    /// <summary>Modality values (CT HU) through a VOI window.</summary>
    Modality,

    /// <summary>8-bit grey as stored (ultrasound).</summary>
    Gray8,

    /// <summary>8-bit RGB as stored (histology, colour ultrasound).</summary>
    Rgb8,
}
