using MedCam.Pipeline.Stages;
using MedCam.Torch;

namespace MedCam.Pipeline.Tasks;

/// <summary>
/// One clinical task: from the loaded study and the chosen model package to maps on the source grid. Each task wires
/// its stages explicitly: select series → preprocess → classify → explain (the write stage is shared).
/// </summary>
public interface IStudyTask
{
    string Name { get; }

    ExplainedStudy Run(PipelineContext context, StudyInventory inventory, ModelPackage package);
}
