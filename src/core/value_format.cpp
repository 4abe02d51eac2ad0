// Placeholder translation unit; the JSON forms of values are defined in value_format.h.
namespace sluice::core {}
