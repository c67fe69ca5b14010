namespace MedCam.Dicom;

/// <summary>
/// A person name (VR PN, PS3.5 6.2.1): up to three component groups (alphabetic, ideographic, phonetic) separated by
/// '=', each with family^given^middle^prefix^suffix.
/// </summary>
public sealed record DicomPersonName(string Alphabetic, string Ideographic = "", string Phonetic = "")
{
    public string FamilyName => Component(0);

    public string GivenName => Component(1);

    public string MiddleName => Component(2);

    public string Prefix => Component(3);

    public string Suffix => Component(4);

    public static DicomPersonName Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var groups = value.Split('=');
        return new DicomPersonName(groups[0].Trim(), groups.Length > 1 ? groups[1].Trim() : string.Empty, groups.Length > 2 ? groups[2].Trim() : string.Empty);
    }

    public override string ToString() => (Phonetic.Length > 0 ? $"{Alphabetic}={Ideographic}={Phonetic}" : Ideographic.Length > 0 ? $"{Alphabetic}={Ideographic}" : Alphabetic);

    private string Component(int index)
    {
        var parts = Alphabetic.Split('^');
        return index < parts.Length ? parts[index].Trim() : string.Empty;
    }
}
