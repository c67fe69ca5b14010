namespace MedCam.Imaging.NumPy;

/// <summary>A <c>.npy</c> file that MedCam cannot read: the message names the problem.</summary>
public sealed class NpyFormatException : Exception
{
    public NpyFormatException()
    {
    }

    public NpyFormatException(string message)
        : base(message)
    {
    }

    public NpyFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
