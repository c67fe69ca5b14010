namespace MedCam.Dicom;

/// <summary>Base of every error MedCam.Dicom raises on purpose.</summary>
public class DicomException : Exception
{
    public DicomException()
    {
    }

    public DicomException(string message)
        : base(message)
    {
    }

    public DicomException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The bytes are not valid DICOM (truncated, absurd lengths, bad VR, too deep nesting, undecodable value).</summary>
public class DicomFormatException : DicomException
{
    public DicomFormatException()
    {
    }

    public DicomFormatException(string message)
        : base(message)
    {
    }

    public DicomFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A required attribute is absent from a data set.</summary>
public class DicomTagNotFoundException : DicomException
{
    public DicomTagNotFoundException()
    {
    }

    public DicomTagNotFoundException(string message)
        : base(message)
    {
    }

    public DicomTagNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DicomTagNotFoundException(DicomTag tag)
        : base($"Attribute {tag} {tag.Keyword} is not present.")
    {
        Tag = tag;
    }

    public DicomTag Tag { get; }
}
