using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using ZstdSharp.Unsafe;

namespace FormulaTel.Ingest.Recording;

/// <summary>
/// A zstd compressing stream for recordings: the machine's own libzstd where it has one (Debian and Ubuntu,
/// and so the service's container images, ship libzstd.so.1), ZstdSharp's managed port otherwise. The native
/// library compresses telemetry two to three times faster, which at twenty rigs is most of what recording costs.
/// Both write the same format; readers cannot tell them apart.
/// </summary>
public static class ZstdCompression
{
    /// <summary>A 1 MB window: a race repeats itself over seconds (256 KB costs a sixth more in size).</summary>
    public const int WindowLog = 20;

    private static readonly Lazy<bool> Native = new(NativeZstd.TryLoad);

    /// <summary>True when the machine's libzstd is used.</summary>
    public static bool IsNative => Native.Value;

    /// <summary>A stream that compresses into <paramref name="output"/> (left open when disposed) as one zstd frame.</summary>
    public static ZstdFrameStream Create(Stream output, int level, bool preferNative = true) => new(output, level, preferNative && IsNative);

    /// <summary>
    /// One zstd frame. Besides ending it the usual way (disposing), <see cref="EndWithStoredBlock"/> ends it with a
    /// last block of uncompressed bytes, which then are the file's last bytes, readable without decompressing: how a
    /// recording's closing statistics block is written. (Wireshark 4.0 reads only the first frame of a zstd file, so
    /// a frame of its own would not do.)
    /// </summary>
    public sealed class ZstdFrameStream : Stream
    {
        private readonly Stream _output;
        private readonly Cutoff _cutoff;
        private readonly Stream _compressor;

        internal ZstdFrameStream(Stream output, int level, bool native)
        {
            _output = output;
            _cutoff = new Cutoff(output);
            if (native)
            {
                _compressor = new NativeZstdStream(_cutoff, level);
            }
            else
            {
                var managed = new ZstdSharp.CompressionStream(_cutoff, level, bufferSize: 32 * 1024, leaveOpen: true);
                managed.SetParameter(ZSTD_cParameter.ZSTD_c_windowLog, WindowLog);
                managed.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 0);
                _compressor = managed;
            }
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(ReadOnlySpan<byte> buffer) => _compressor.Write(buffer);

        public override void Write(byte[] buffer, int offset, int count) => _compressor.Write(buffer, offset, count);

        /// <summary>Ends the current block: everything written so far decodes.</summary>
        public override void Flush() => _compressor.Flush();

        /// <summary>Ends the frame with <paramref name="last"/> as a raw last block (at most 128 KB).</summary>
        public void EndWithStoredBlock(ReadOnlySpan<byte> last)
        {
            if (last.Length > 128 * 1024)
            {
                throw new ArgumentOutOfRangeException(nameof(last), "A zstd block holds at most 128 KB.");
            }

            _compressor.Flush();
            // The compressor's own ending (an empty last block) is not written; ours is: Last_Block set, Raw, size.
            _cutoff.Closed = true;
            _compressor.Dispose();
            var header = ((uint)last.Length << 3) | 1;
            _output.Write([(byte)header, (byte)(header >> 8), (byte)(header >> 16)]);
            _output.Write(last);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _compressor.Dispose();
            }

            base.Dispose(disposing);
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>Passes writes on until closed; after that they go nowhere.</summary>
    private sealed class Cutoff(Stream output) : Stream
    {
        public bool Closed { get; set; }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (!Closed)
            {
                output.Write(buffer);
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Flush()
        {
            if (!Closed)
            {
                output.Flush();
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>libzstd's streaming API (zstd.h, stable since 1.4): a context, its parameters, compressStream2.</summary>
    private static class NativeZstd
    {
        private const string Library = "formulatel-zstd";

        public const int CompressionLevel = 100;
        public const int WindowLogParameter = 101;
        public const int ChecksumFlag = 201;
        public const int Continue = 0;
        public const int Flush = 1;
        public const int End = 2;

        public static bool TryLoad()
        {
            try
            {
                NativeLibrary.SetDllImportResolver(typeof(NativeZstd).Assembly, Resolve);
                return ZSTD_versionNumber() >= 10_400;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException)
            {
                return false;
            }
        }

        private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
        {
            if (name != Library)
            {
                return IntPtr.Zero;
            }

            foreach (var candidate in new[] { "libzstd.so.1", "libzstd.so", "libzstd.1.dylib", "libzstd.dylib", "libzstd.dll", "zstd.dll" })
            {
                if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle))
                {
                    return handle;
                }
            }

            return IntPtr.Zero;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct Buffer
        {
            public IntPtr Data;
            public nuint Size;
            public nuint Position;
        }

        [DllImport(Library)]
        public static extern uint ZSTD_versionNumber();

        [DllImport(Library)]
        public static extern IntPtr ZSTD_createCCtx();

        [DllImport(Library)]
        public static extern nuint ZSTD_freeCCtx(IntPtr context);

        [DllImport(Library)]
        public static extern nuint ZSTD_CCtx_setParameter(IntPtr context, int parameter, int value);

        [DllImport(Library)]
        public static extern nuint ZSTD_compressStream2(IntPtr context, ref Buffer output, ref Buffer input, int directive);

        [DllImport(Library)]
        public static extern uint ZSTD_isError(nuint code);

        [DllImport(Library)]
        public static extern IntPtr ZSTD_getErrorName(nuint code);

        [DllImport(Library)]
        public static extern nuint ZSTD_CStreamOutSize();

        /// <summary>ZSTD_reset_session_and_parameters: as new, its memory kept.</summary>
        public const int ResetSessionAndParameters = 3;

        [DllImport(Library)]
        public static extern nuint ZSTD_CCtx_reset(IntPtr context, int reset);

        public static nuint Check(nuint code) => ZSTD_isError(code) != 0
            ? throw new IOException($"zstd: {Marshal.PtrToStringAnsi(ZSTD_getErrorName(code))}")
            : code;
    }

    private sealed class ContextHandle() : SafeHandle(IntPtr.Zero, ownsHandle: true)
    {
        public override bool IsInvalid => handle == IntPtr.Zero;

        public static ContextHandle Create()
        {
            var context = new ContextHandle();
            context.SetHandle(NativeZstd.ZSTD_createCCtx());
            return context.IsInvalid ? throw new OutOfMemoryException("zstd could not create a compression context") : context;
        }

        protected override bool ReleaseHandle()
        {
            NativeZstd.ZSTD_freeCCtx(handle);
            return true;
        }
    }

    /// <summary>
    /// Gathers what is written into a pinned block and compresses a block at a time (one native call per 128 KB,
    /// not per datagram); <see cref="Flush"/> ends the current zstd block, so what was written so far decodes.
    /// </summary>
    private sealed class NativeZstdStream : Stream
    {
        private const int InputSize = 128 * 1024;

        // Recordings open and close all the time (one per source and session). The pinned heap frees a block only in
        // a gen2 GC, which a lean ingest seldom has, and a zstd context is a megabyte or two of native memory that
        // malloc does not give back in one piece: closed recordings' blocks and contexts are kept for the next ones.
        private const int MaxFreeBlocks = 64;
        private static readonly int OutputSize = (int)NativeZstd.ZSTD_CStreamOutSize();
        private static readonly ConcurrentQueue<byte[]> FreeInputs = new();
        private static readonly ConcurrentQueue<byte[]> FreeOutputs = new();

        private static readonly ConcurrentQueue<ContextHandle> FreeContexts = new();

        private readonly Stream _output;
        private readonly ContextHandle _context = FreeContexts.TryDequeue(out var free) ? free : ContextHandle.Create();
        private readonly byte[] _in = Take(FreeInputs, InputSize);
        private readonly byte[] _out = Take(FreeOutputs, OutputSize);
        private int _buffered;
        private bool _ended;
        private bool _blocksGiven;

        public NativeZstdStream(Stream output, int level)
        {
            _output = output;
            NativeZstd.Check(NativeZstd.ZSTD_CCtx_setParameter(_context.DangerousGetHandle(), NativeZstd.CompressionLevel, level));
            NativeZstd.Check(NativeZstd.ZSTD_CCtx_setParameter(_context.DangerousGetHandle(), NativeZstd.WindowLogParameter, WindowLog));
            // No content checksum: a frame may then end with a raw block of our own (ZstdFrameStream).
            NativeZstd.Check(NativeZstd.ZSTD_CCtx_setParameter(_context.DangerousGetHandle(), NativeZstd.ChecksumFlag, 0));
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => !_ended;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(_ended, this);
            while (buffer.Length > 0)
            {
                var take = Math.Min(buffer.Length, InputSize - _buffered);
                buffer[..take].CopyTo(_in.AsSpan(_buffered));
                _buffered += take;
                buffer = buffer[take..];
                if (_buffered == InputSize)
                {
                    Compress(NativeZstd.Continue);
                }
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Flush()
        {
            if (!_ended)
            {
                Compress(NativeZstd.Flush);
            }

            _output.Flush();
        }

        protected override void Dispose(bool disposing)
        {
            try
            {
                if (disposing && !_ended)
                {
                    _ended = true;
                    Compress(NativeZstd.End);
                }
            }
            finally
            {
                if (disposing && !_blocksGiven)
                {
                    _blocksGiven = true;
                    Give(FreeInputs, _in);
                    Give(FreeOutputs, _out);
                    if (FreeContexts.Count < MaxFreeBlocks && NativeZstd.ZSTD_isError(NativeZstd.ZSTD_CCtx_reset(_context.DangerousGetHandle(), NativeZstd.ResetSessionAndParameters)) == 0)
                    {
                        FreeContexts.Enqueue(_context);
                    }
                    else
                    {
                        _context.Dispose();
                    }
                }
                else
                {
                    _context.Dispose();
                }

                base.Dispose(disposing);
            }
        }

        private static byte[] Take(ConcurrentQueue<byte[]> free, int size) =>
            free.TryDequeue(out var block) ? block : GC.AllocateUninitializedArray<byte>(size, pinned: true);

        private static void Give(ConcurrentQueue<byte[]> free, byte[] block)
        {
            if (free.Count < MaxFreeBlocks)
            {
                free.Enqueue(block);
            }
        }

        private void Compress(int directive)
        {
            var input = new NativeZstd.Buffer { Data = Marshal.UnsafeAddrOfPinnedArrayElement(_in, 0), Size = (nuint)_buffered };
            while (true)
            {
                var output = new NativeZstd.Buffer { Data = Marshal.UnsafeAddrOfPinnedArrayElement(_out, 0), Size = (nuint)_out.Length };
                var remaining = NativeZstd.Check(NativeZstd.ZSTD_compressStream2(_context.DangerousGetHandle(), ref output, ref input, directive));
                _output.Write(_out, 0, (int)output.Position);
                var done = directive == NativeZstd.Continue ? input.Position == input.Size : remaining == 0;
                if (done)
                {
                    break;
                }
            }

            _buffered = 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
