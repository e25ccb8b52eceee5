#pragma once
#include <string>
namespace mc::figures {
/// Writes the standard figures of a run's output folder (placeholder until the figures work lands).
void writeRunFigures(const std::string& folder);
}
