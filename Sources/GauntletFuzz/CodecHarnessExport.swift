// The codec harnesses moved to their own module so the libFuzzer codec targets can build without
// the engine; everyone who imports GauntletFuzz still sees them.
@_exported import GauntletCodecFuzz
