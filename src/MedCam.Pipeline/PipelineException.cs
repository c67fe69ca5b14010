namespace MedCam.Pipeline;

/// <summary>
/// Input the pipeline cannot use (unreadable, no suitable series, no model for it): the message names the file and
/// the reason, so front ends print it as is, without a stack trace.
/// </summary>
public sealed class PipelineException : Exception
{
    public PipelineException(string path, string reason)
        : base($"{path}: {reason}")
    {
        Path = path;
        Reason = reason;
    }

    public PipelineException(string path, string reason, Exception inner)
        : base($"{path}: {reason}", inner)
    {
        Path = path;
        Reason = reason;
    }

    public PipelineException()
        : this("input", "unsuitable")
    {
    }

    public PipelineException(string message)
        : this("input", message)
    {
    }

    public PipelineException(string message, Exception inner)
        : this("input", message, inner)
    {
    }

    /// <summary>The file or folder the problem is about.</summary>
    public string Path { get; }

    public string Reason { get; }
}
