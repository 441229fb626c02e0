// The system zlib (libz ships with Linux distributions and macOS), used for permessage-deflate.
#include <zlib.h>
