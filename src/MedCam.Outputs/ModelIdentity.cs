using MedCam.Dicom;

namespace MedCam.Outputs;

/// <summary>
/// The algorithm that produced a result, as IHE AI Results (AIR) identifies it: manufacturer, model name and
/// version, and a Device UID (0018,1002) that is derived from those three so it is stable across runs and machines.
/// </summary>
public sealed record ModelIdentity
{
    public ModelIdentity(string name, string version, string manufacturer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        ArgumentException.ThrowIfNullOrWhiteSpace(manufacturer);
        Name = name;
        Version = version;
        Manufacturer = manufacturer;
    }

    /// <summary>Manufacturer's Model Name (0008,1090), LO.</summary>
    public string Name { get; }

    /// <summary>Software Versions (0018,1020), LO.</summary>
    public string Version { get; }

    /// <summary>Manufacturer (0008,0070), LO.</summary>
    public string Manufacturer { get; }

    /// <summary>Device UID (0018,1002): the same model gives the same UID everywhere.</summary>
    public string DeviceUid => DicomUid.FromName("medcam-device", Manufacturer, Name, Version).Value;

    /// <summary>Device Serial Number (0018,1000), required (type 1) by Enhanced General Equipment.</summary>
    public string DeviceSerialNumber => "MEDCAM-" + DeviceUid[^12..];
}
