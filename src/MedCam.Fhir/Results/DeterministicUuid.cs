using System.Security.Cryptography;
using System.Text;

namespace MedCam.Fhir.Results;

/// <summary>
/// Name-based UUIDs (RFC 9562 §5.5, version 5: SHA-1 of namespace + name). The same DICOM UIDs always give the same
/// FHIR identifiers, which is what makes a re-run's conditional creates find the first run's resources.
/// </summary>
public static class DeterministicUuid
{
    /// <summary>MedCam's namespace for FHIR result identifiers (a fixed random UUID; never change it).</summary>
    public static readonly Guid MedCamNamespace = new("5f0c3a8e-91d4-4c1b-a6e2-3d7b0f9e2c41");

    public static Guid Create(Guid namespaceId, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        namespaceId.TryWriteBytes(input, bigEndian: true, out _);
        nameBytes.CopyTo(input, 16);

#pragma warning disable CA5350 // SHA-1 is what RFC 9562 version 5 specifies; it names things, it does not protect them.
        var hash = SHA1.HashData(input);
#pragma warning restore CA5350
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50); // version 5
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(bytes, bigEndian: true);
    }

    public static Guid Create(string name) => Create(MedCamNamespace, name);
}
