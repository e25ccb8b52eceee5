#include "video/video_writer.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include <cstdio>
#include <filesystem>

namespace mc::video {
namespace {

std::string averror(int code) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, buf, sizeof buf);
    return buf;
}

const AVCodec* findH264() {
    // libx264 first: the other H.264 encoders Debian's libavcodec lists
    // (nvenc, vaapi, qsv, v4l2m2m, omx) need hardware and may not open.
    if (const AVCodec* c = avcodec_find_encoder_by_name("libx264")) return c;
    return avcodec_find_encoder(AV_CODEC_ID_H264);
}

} // namespace

std::string h264EncoderName() {
    const AVCodec* c = findH264();
    return c ? c->name : std::string();
}

struct VideoWriter::Impl {
    std::string partPath;
    AVFormatContext* format = nullptr;
    AVCodecContext* codec = nullptr;
    AVStream* stream = nullptr;
    AVFrame* frame = nullptr;
    AVPacket* packet = nullptr;
    SwsContext* scale = nullptr;
    bool fileOpen = false;

    ~Impl() { release(); }
    void release() {
        if (fileOpen) avio_closep(&format->pb);
        fileOpen = false;
        sws_freeContext(scale);
        scale = nullptr;
        av_packet_free(&packet);
        av_frame_free(&frame);
        avcodec_free_context(&codec);
        avformat_free_context(format);
        format = nullptr;
    }
    /// Sends `f` (null: flush) and writes every packet the encoder gives back.
    int encode(AVFrame* f) {
        int rc = avcodec_send_frame(codec, f);
        if (rc < 0) return rc;
        for (;;) {
            rc = avcodec_receive_packet(codec, packet);
            if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return 0;
            if (rc < 0) return rc;
            // Every frame lasts one tick: without a duration the MP4's edit
            // list would end at the last frame's start and players drop it.
            packet->duration = 1;
            av_packet_rescale_ts(packet, codec->time_base, stream->time_base);
            packet->stream_index = stream->index;
            rc = av_interleaved_write_frame(format, packet); // takes the packet's data
            if (rc < 0) return rc;
            if (format->pb && format->pb->error < 0) return format->pb->error;
        }
    }
};

VideoWriter::VideoWriter(const std::string& path, const VideoOptions& options)
    : m_path(path), m_options(options), m_impl(std::make_unique<Impl>()) {
    av_log_set_level(AV_LOG_ERROR); // x264's statistics would fill the terminal
    Impl& d = *m_impl;
    d.partPath = path + ".part";
    if (const std::string p = videoSizeProblem(options.width, options.height); !p.empty())
        throw VideoError(VideoError::Kind::BadInput, "video size " + p);
    if (options.fps < 1 || options.fps > 240)
        throw VideoError(VideoError::Kind::BadInput,
                         "video frame rate " + std::to_string(options.fps) + " is outside 1..240 frames/s");
    const AVCodec* encoder = findH264();
    if (!encoder)
        fail(VideoError::Kind::NoEncoder,
             "this FFmpeg (libavcodec) has no H.264 encoder; Debian's libavcodec59 provides libx264");
    if (avformat_alloc_output_context2(&d.format, nullptr, "mp4", d.partPath.c_str()) < 0 || !d.format)
        fail(VideoError::Kind::NoEncoder, "this FFmpeg (libavformat) cannot write MP4 files");
    d.stream = avformat_new_stream(d.format, nullptr);
    d.codec = avcodec_alloc_context3(encoder);
    d.frame = av_frame_alloc();
    d.packet = av_packet_alloc();
    if (!d.stream || !d.codec || !d.frame || !d.packet) fail(VideoError::Kind::Write, "out of memory");
    AVCodecContext* c = d.codec;
    c->width = options.width;
    c->height = options.height;
    c->time_base = AVRational{1, options.fps};
    c->framerate = AVRational{options.fps, 1};
    c->pix_fmt = AV_PIX_FMT_YUV420P; // what every player and slide program decodes
    c->gop_size = 2 * options.fps;   // a key frame every 2 s: seeking in a talk stays quick
    if (d.format->oformat->flags & AVFMT_GLOBALHEADER) c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    av_opt_set(c->priv_data, "preset", "veryfast", 0);
    av_opt_set(c->priv_data, "crf", std::to_string(options.crf).c_str(), 0);
    if (int rc = avcodec_open2(c, encoder, nullptr); rc < 0)
        fail(VideoError::Kind::NoEncoder,
             std::string("the H.264 encoder ") + encoder->name + " could not be opened: " + averror(rc));
    if (avcodec_parameters_from_context(d.stream->codecpar, c) < 0) fail(VideoError::Kind::Write, "out of memory");
    d.stream->time_base = c->time_base;

    if (int rc = avio_open(&d.format->pb, d.partPath.c_str(), AVIO_FLAG_WRITE); rc < 0)
        fail(VideoError::Kind::Write, d.partPath + ": cannot be created: " + averror(rc));
    d.fileOpen = true;
    AVDictionary* muxOptions = nullptr;
    av_dict_set(&muxOptions, "movflags", "+faststart", 0);
    const int rc = avformat_write_header(d.format, &muxOptions);
    av_dict_free(&muxOptions);
    if (rc < 0) fail(VideoError::Kind::Write, d.partPath + ": cannot be written: " + averror(rc));

    d.frame->format = c->pix_fmt;
    d.frame->width = c->width;
    d.frame->height = c->height;
    if (av_frame_get_buffer(d.frame, 0) < 0) fail(VideoError::Kind::Write, "out of memory");
    // AV_PIX_FMT_RGB32 is 0xAARRGGBB in the CPU's byte order, as QImage's RGB32.
    d.scale = sws_getContext(c->width, c->height, AV_PIX_FMT_RGB32, c->width, c->height, AV_PIX_FMT_YUV420P,
                             SWS_BICUBIC, nullptr, nullptr, nullptr);
    if (!d.scale) fail(VideoError::Kind::Write, "the colour conversion to yuv420p could not be set up");
}

VideoWriter::~VideoWriter() {
    abort();
}

void VideoWriter::abort() {
    if (!m_impl) return;
    const std::string part = m_impl->partPath;
    m_impl.reset();
    std::error_code ec;
    std::filesystem::remove(part, ec);
}

void VideoWriter::fail(VideoError::Kind kind, const std::string& what) {
    abort();
    throw VideoError(kind, what);
}

void VideoWriter::addFrame(const std::uint8_t* pixels, std::ptrdiff_t stride) {
    if (!m_impl) throw VideoError(VideoError::Kind::Write, m_path + ": the video was already finished or abandoned");
    Impl& d = *m_impl;
    if (av_frame_make_writable(d.frame) < 0) fail(VideoError::Kind::Write, "out of memory");
    const std::uint8_t* src[1] = {pixels};
    const int srcStride[1] = {static_cast<int>(stride)};
    sws_scale(d.scale, src, srcStride, 0, m_options.height, d.frame->data, d.frame->linesize);
    d.frame->pts = m_frames;
    if (int rc = d.encode(d.frame); rc < 0)
        fail(VideoError::Kind::Write, d.partPath + ": frame " + std::to_string(m_frames + 1) +
                                          " could not be written: " + averror(rc) + " (the partial video was deleted)");
    ++m_frames;
}

void VideoWriter::finish() {
    if (!m_impl) throw VideoError(VideoError::Kind::Write, m_path + ": the video was already finished or abandoned");
    Impl& d = *m_impl;
    const auto failed = [&](const std::string& step, int rc) {
        fail(VideoError::Kind::Write,
             d.partPath + ": " + step + ": " + averror(rc) + " (the partial video was deleted; nothing was written to " +
                 m_path + ")");
    };
    if (m_frames == 0) fail(VideoError::Kind::BadInput, m_path + ": no frames were recorded; no video written");
    if (int rc = d.encode(nullptr); rc < 0) failed("the last frames could not be written", rc);
    // With faststart the trailer rewrites the whole file, index first: it
    // needs as much free space again as the video takes.
    if (int rc = av_write_trailer(d.format); rc < 0) failed("the index could not be written", rc);
    if (d.format->pb->error < 0) failed("the file could not be written", d.format->pb->error);
    d.fileOpen = false;
    if (int rc = avio_closep(&d.format->pb); rc < 0) failed("the file could not be closed", rc);
    std::error_code ec;
    std::filesystem::rename(d.partPath, m_path, ec);
    if (ec)
        fail(VideoError::Kind::Write, m_path + ": could not be created from " + d.partPath + ": " + ec.message() +
                                          " (the partial video was deleted)");
    m_impl.reset();
}

} // namespace mc::video
