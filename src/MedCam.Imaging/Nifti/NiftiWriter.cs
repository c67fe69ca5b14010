using System.IO.Compression;

namespace MedCam.Imaging.Nifti;

/// <summary>Writes single-file NIfTI-1 (.nii, or .nii.gz when the path ends in .gz), little-endian.</summary>
public static class NiftiWriter
{
    /// <summary>Writes <paramref name="volume"/>; gzip-compressed when the path ends in ".gz".</summary>
    public static void Write(string path, NiftiVolume volume)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Write(fs, volume, gzip: path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase));
    }

    public static void Write(Stream output, NiftiVolume volume, bool gzip)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(volume);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The NIfTI writer writes the machine's little-endian memory layout.");
        }

        var header = BuildHeader(volume);
        var bytes = new byte[NiftiHeader.SingleFileDataOffset];
        header.WriteTo(bytes); // bytes 348..351: extension flag 0 (no extensions)
        if (gzip)
        {
            using var z = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
            z.Write(bytes);
            z.Write(volume.RawBytes());
        }
        else
        {
            output.Write(bytes);
            output.Write(volume.RawBytes());
        }
    }

    /// <summary>The header for a volume: qform and sform from the affine, pixdim from the axis lengths.</summary>
    public static NiftiHeader BuildHeader(NiftiVolume volume)
    {
        ArgumentNullException.ThrowIfNull(volume);
        var q = NiftiQuaternion.FromAffine(volume.Affine);
        var pixdim = new float[8];
        pixdim[0] = (float)q.Qfac;
        pixdim[1] = (float)q.Dx;
        pixdim[2] = (float)q.Dy;
        pixdim[3] = (float)q.Dz;
        for (var d = 3; d < volume.Dimensions.Length; d++)
        {
            pixdim[d + 1] = 1;
        }

        byte units = NiftiHeader.UnitsMillimetre;
        if (volume.Dimensions.Length >= 4 && volume.TimeStepSeconds > 0)
        {
            pixdim[4] = volume.TimeStepSeconds;
            units |= NiftiHeader.UnitsSecond;
        }

        var m = volume.Affine.ToArray();
        var code = volume.XformCode;
        return new NiftiHeader
        {
            Dimensions = volume.Dimensions,
            DataType = volume.DataType,
            PixDim = pixdim,
            SclSlope = volume.SclSlope,
            SclInter = volume.SclInter,
            XyztUnits = units,
            CalMin = volume.CalMin,
            CalMax = volume.CalMax,
            Description = volume.Description,
            QformCode = code,
            SformCode = code,
            QuaternB = (float)q.B,
            QuaternC = (float)q.C,
            QuaternD = (float)q.D,
            QOffsetX = (float)q.OffsetX,
            QOffsetY = (float)q.OffsetY,
            QOffsetZ = (float)q.OffsetZ,
            SRows = m.Select(v => (float)v).ToArray(),
        };
    }
}
