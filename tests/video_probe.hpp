// Reads an MP4 back with Debian's ffprobe (an independent decoder): codec,
// size, pixel format and the number of frames actually decoded.
#pragma once

#include <QFile>
#include <QImage>
#include <QMap>
#include <QProcess>
#include <QString>
#include <QStringList>

struct ProbedVideo {
    bool ok = false;
    QString error;
    QString codec, pixFmt;
    int width = 0, height = 0, frames = 0;
    double fps = 0.0;
    bool moovFirst = false; ///< "faststart": the index precedes the data
};

inline ProbedVideo probeVideo(const QString& path) {
    ProbedVideo v;
    QProcess p;
    p.start("ffprobe", {"-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                        "stream=codec_name,width,height,pix_fmt,nb_read_frames,avg_frame_rate", "-of",
                        "default=noprint_wrappers=1", path});
    if (!p.waitForFinished(120000) || p.exitCode() != 0) {
        v.error = "ffprobe failed: " + QString::fromUtf8(p.readAllStandardError());
        return v;
    }
    QMap<QString, QString> kv;
    for (const QString& line : QString::fromUtf8(p.readAllStandardOutput()).split('\n', Qt::SkipEmptyParts))
        kv[line.section('=', 0, 0)] = line.section('=', 1);
    v.codec = kv.value("codec_name");
    v.pixFmt = kv.value("pix_fmt");
    v.width = kv.value("width").toInt();
    v.height = kv.value("height").toInt();
    v.frames = kv.value("nb_read_frames").toInt();
    const QStringList rate = kv.value("avg_frame_rate").split('/');
    if (rate.size() == 2 && rate[1].toDouble() > 0) v.fps = rate[0].toDouble() / rate[1].toDouble();
    QFile f(path);
    if (f.open(QIODevice::ReadOnly)) {
        const QByteArray head = f.read(1 << 20);
        const int moov = head.indexOf("moov"), mdat = head.indexOf("mdat");
        v.moovFirst = moov >= 0 && (mdat < 0 || moov < mdat);
    }
    v.ok = true;
    return v;
}

/// The video's first frame, decoded by Debian's ffmpeg into `png` (null if it fails).
inline QImage firstVideoFrame(const QString& path, const QString& png) {
    QProcess p;
    p.start("ffmpeg", {"-v", "error", "-y", "-i", path, "-frames:v", "1", png});
    if (!p.waitForFinished(60000) || p.exitCode() != 0) return {};
    return QImage(png);
}

/// Pixels darker than grey 100 in `rect` of `image` (text, axes, spikes).
inline int darkPixels(const QImage& image, const QRect& rect) {
    int n = 0;
    for (int y = rect.top(); y <= rect.bottom() && y < image.height(); ++y)
        for (int x = rect.left(); x <= rect.right() && x < image.width(); ++x)
            if (qGray(image.pixel(x, y)) < 100) ++n;
    return n;
}
