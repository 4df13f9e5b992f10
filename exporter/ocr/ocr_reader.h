// What the OCR reader plugin (exporter/ocr/tesseract_reader.cc) does for
// OcrEngine: the calls into Tesseract and leptonica, and nothing else.
#ifndef CNCERT_EXPORTER_OCR_OCR_READER_H_
#define CNCERT_EXPORTER_OCR_OCR_READER_H_

#include <string>
#include <string_view>

#include "exporter/ocr/ocr_engine.h"

namespace cncert {

class OcrReader {
 public:
  OcrReader() = default;
  virtual ~OcrReader() = default;
  OcrReader(const OcrReader&) = delete;
  OcrReader& operator=(const OcrReader&) = delete;

  // "tesseract-5.3.0"
  virtual std::string Version() const = 0;
  // The image's header against the limits: a 20000×20000 image is refused
  // before it is decoded. failure kNone: go on.
  virtual OcrResult Check(std::string_view bytes, const OcrLimits& limits) = 0;
  // Loads the chi_sim models (0.1 s, 45 MB) unless loaded.
  virtual bool Load(std::string* error) = 0;
  // Decodes, prepares and recognises: run in a child under the budget.
  virtual OcrResult Recognize(std::string_view bytes) = 0;
  virtual void Unload() = 0;
};

inline constexpr const char* kMakeOcrReader = "cncert_make_ocr_reader";
using MakeOcrReaderFunction = OcrReader* (*)();

}  // namespace cncert

#endif  // CNCERT_EXPORTER_OCR_OCR_READER_H_
