using System.Globalization;

namespace MedCam.Worker.Configuration;

/// <summary>A C-STORE destination written "AE@host:port" (optionally "?tls"); its <see cref="Name"/> keys delivery records.</summary>
public sealed record DicomDestination(string AeTitle, string Host, int Port, bool Tls)
{
    public string Name => $"dicom:{AeTitle}@{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static DicomDestination Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var value = text.Trim();
        var tls = value.EndsWith("?tls", StringComparison.OrdinalIgnoreCase);
        if (tls)
        {
            value = value[..^4];
        }

        var at = value.IndexOf('@', StringComparison.Ordinal);
        var colon = value.LastIndexOf(':');
        if (at <= 0 || colon < at + 2 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"Destination '{text}' is not AE@host:port (e.g. PACS@pacs.example.org:104).");
        }

        var ae = MedCam.Dicom.Network.Server.DicomServerBuilder.ValidateAeTitle(value[..at]);
        return new DicomDestination(ae, value[(at + 1)..colon], port, tls);
    }

    public override string ToString() => Name;
}
