using System.Collections;

namespace MedCam.Dicom;

/// <summary>
/// A data set: items kept sorted by tag (PS3.5 7.1). Element values stay raw until a getter decodes them. Not
/// thread-safe for writes; reads from several threads are fine.
/// </summary>
public sealed partial class DicomDataset : IEnumerable<DicomItem>
{
    private readonly List<DicomItem> _items;

    public DicomDataset() => _items = [];

    public DicomDataset(IEnumerable<DicomItem> items)
        : this()
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
        {
            AddOrUpdate(item);
        }
    }

    public int Count => _items.Count;

    /// <summary>The character set declared by this data set's (0008,0005); the default repertoire when absent.</summary>
    public DicomCharacterSet CharacterSet =>
        TryGetItem(DicomTags.SpecificCharacterSet, out var item) && item is DicomElement e
            ? DicomCharacterSet.FromSpecificCharacterSet(System.Text.Encoding.ASCII.GetString(e.Data.Span))
            : DicomCharacterSet.Default;

    public bool Contains(DicomTag tag) => IndexOf(tag) >= 0;

    public bool TryGetItem(DicomTag tag, out DicomItem item)
    {
        var index = IndexOf(tag);
        item = index >= 0 ? _items[index] : null!;
        return index >= 0;
    }

    /// <summary>The item for a tag; throws <see cref="DicomTagNotFoundException"/> when absent.</summary>
    public DicomItem GetItem(DicomTag tag) => TryGetItem(tag, out var item) ? item : throw new DicomTagNotFoundException(tag);

    public DicomElement GetElement(DicomTag tag) => GetItem(tag) as DicomElement
        ?? throw new DicomFormatException($"{tag} {tag.Keyword} is a sequence or fragments, not a value element.");

    public DicomSequence GetSequence(DicomTag tag) => GetItem(tag) as DicomSequence
        ?? throw new DicomFormatException($"{tag} {tag.Keyword} is not a sequence.");

    public bool TryGetSequence(DicomTag tag, out DicomSequence sequence)
    {
        sequence = null!;
        if (TryGetItem(tag, out var item) && item is DicomSequence s)
        {
            sequence = s;
            return true;
        }

        return false;
    }

    /// <summary>Adds the item, replacing any item with the same tag; keeps tag order.</summary>
    public DicomDataset AddOrUpdate(DicomItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (_items.Count == 0 || _items[^1].Tag < item.Tag)
        {
            _items.Add(item); // the common case when reading a stream in order
            return this;
        }

        var index = IndexOf(item.Tag);
        if (index >= 0)
        {
            _items[index] = item;
        }
        else
        {
            _items.Insert(~index, item);
        }

        return this;
    }

    /// <summary>Adds text values with the dictionary VR (or the VR given).</summary>
    public DicomDataset AddOrUpdate(DicomTag tag, params string[] values) => AddOrUpdate(DicomElement.FromStrings(tag, DictionaryVR(tag), values));

    public DicomDataset AddOrUpdate(DicomTag tag, DicomVR vr, params string[] values) => AddOrUpdate(DicomElement.FromStrings(tag, vr, values));

    /// <summary>Adds numeric values encoded for the dictionary VR (binary for US/UL/FD..., text for DS/IS).</summary>
    public DicomDataset AddOrUpdate<T>(DicomTag tag, params T[] values)
        where T : System.Numerics.INumber<T> => AddOrUpdate(DicomElement.FromNumbers(tag, DictionaryVR(tag), values));

    public DicomDataset AddOrUpdate<T>(DicomTag tag, DicomVR vr, params T[] values)
        where T : System.Numerics.INumber<T> => AddOrUpdate(DicomElement.FromNumbers(tag, vr, values));

    public DicomDataset AddOrUpdate(DicomTag tag, DicomUid uid)
    {
        ArgumentNullException.ThrowIfNull(uid);
        return AddOrUpdate(DicomElement.FromStrings(tag, DicomVR.UI, uid.Value));
    }

    public DicomDataset AddOrUpdate(DicomTag tag, params DicomDataset[] sequenceItems) => AddOrUpdate(new DicomSequence(tag, sequenceItems));

    public bool Remove(DicomTag tag)
    {
        var index = IndexOf(tag);
        if (index < 0)
        {
            return false;
        }

        _items.RemoveAt(index);
        return true;
    }

    /// <summary>Removes every item matching the predicate (e.g. all private tags).</summary>
    public int RemoveAll(Predicate<DicomItem> match) => _items.RemoveAll(match);

    /// <summary>A shallow copy: items are shared (they are immutable except sequences' item lists).</summary>
    public DicomDataset Clone() => new(_items);

    public IEnumerator<DicomItem> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal void AppendInOrder(DicomItem item) => AddOrUpdate(item);

    private static DicomVR DictionaryVR(DicomTag tag) => DicomDictionary.Lookup(tag)?.ValueRepresentation
        ?? throw new ArgumentException($"{tag} is not in the dictionary; pass its VR explicitly.", nameof(tag));

    private int IndexOf(DicomTag tag)
    {
        int lo = 0, hi = _items.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var cmp = _items[mid].Tag.Value.CompareTo(tag.Value);
            if (cmp == 0)
            {
                return mid;
            }

            if (cmp < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }
}
