namespace MedCam.Dicom;

/// <summary>Typed readers: <c>Get</c> throws, <c>TryGet</c> reports, <c>GetOrDefault</c> falls back.</summary>
public sealed partial class DicomDataset
{
    /// <summary>
    /// Reads a value as <typeparamref name="T"/>: string, int, uint, ushort, short, long, float, double, decimal,
    /// DateOnly, TimeOnly, DateTime, DicomPersonName, DicomUid, DicomTag, DicomDataset (sequence item), or an array of
    /// these for all values. Scalars read the value at <paramref name="index"/>.
    /// </summary>
    public T Get<T>(DicomTag tag, int index = 0)
    {
        var item = GetItem(tag);
        return DicomValueReader.Read<T>(item, index);
    }

    public bool TryGet<T>(DicomTag tag, out T value) => TryGet(tag, 0, out value);

    public bool TryGet<T>(DicomTag tag, int index, out T value)
    {
        value = default!;
        if (!TryGetItem(tag, out var item))
        {
            return false;
        }

        try
        {
            if (item is DicomElement { Data.IsEmpty: true } && !typeof(T).IsArray && typeof(T) != typeof(string))
            {
                return false;
            }

            value = DicomValueReader.Read<T>(item, index);
            return true;
        }
        catch (DicomFormatException)
        {
            return false;
        }
    }

    /// <summary>The value, or <paramref name="defaultValue"/> when absent, empty or unreadable.</summary>
    public T GetOrDefault<T>(DicomTag tag, T defaultValue) => TryGet<T>(tag, out var value) ? value : defaultValue;

    public T GetOrDefault<T>(DicomTag tag, int index, T defaultValue) => TryGet<T>(tag, index, out var value) ? value : defaultValue;

    /// <summary>The whole value as text (all values joined by '\'); empty when absent.</summary>
    public string GetString(DicomTag tag) => TryGetItem(tag, out var item) && item is DicomElement e ? e.GetText() : string.Empty;

    /// <summary>Number of values of an element (items for a sequence); 0 when absent.</summary>
    public int GetValueCount(DicomTag tag) => TryGetItem(tag, out var item)
        ? item switch
        {
            DicomElement e => e.Count,
            DicomSequence s => s.Items.Count,
            DicomFragmentSequence f => f.Fragments.Count,
            _ => 0,
        }
        : 0;
}
