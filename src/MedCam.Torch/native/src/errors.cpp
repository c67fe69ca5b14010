// Thread-local last error with get-and-reset semantics, and message clean-up.
#include "internal.h"

#include <sstream>

namespace {
thread_local std::string pending;
thread_local std::string handed_out;
thread_local bool has_pending = false;

std::string trim(const std::string& text) {
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return {};
    const auto end = text.find_last_not_of(" \t\r\n");
    return text.substr(begin, end - begin + 1);
}
}  // namespace

namespace medcam {

void set_last_error(const std::string& message) {
    pending = message;
    has_pending = true;
}

void clear_last_error() {
    // Only the handed-out copy is kept alive until the next call; a stale pending message must not leak into it.
    has_pending = false;
    pending.clear();
}

std::string meaningful_message(const std::exception& error) {
    std::string text;
    if (const auto* c10_error = dynamic_cast<const c10::Error*>(&error)) {
        text = c10_error->what_without_backtrace();
    } else {
        text = error.what();
    }
    std::istringstream lines(text);
    std::string line;
    std::string last;
    std::string first;
    while (std::getline(lines, line)) {
        const auto trimmed = trim(line);
        if (trimmed.empty() || trimmed.rfind("Exception raised from", 0) == 0 || trimmed.rfind("frame #", 0) == 0)
            continue;
        if (first.empty()) first = trimmed;
        last = trimmed;
    }
    // A TorchScript traceback starts with this banner; its real message is the last line.
    const bool traceback = text.find("TorchScript interpreter") != std::string::npos ||
                           text.find("Traceback of TorchScript") != std::string::npos;
    std::string chosen = traceback ? last : first;
    for (const char* prefix : {"RuntimeError: ", "builtins.RuntimeError: ", "Exception: ", "builtins.Exception: "}) {
        if (chosen.rfind(prefix, 0) == 0) chosen = chosen.substr(std::string(prefix).size());
    }
    return chosen.empty() ? trim(text) : chosen;
}

}  // namespace medcam

extern "C" MC_API const char* mc_last_error(void) {
    if (!has_pending) return nullptr;
    handed_out.swap(pending);
    pending.clear();
    has_pending = false;
    return handed_out.c_str();
}

extern "C" MC_API int32_t mc_abi_version(void) { return MC_ABI_VERSION; }
