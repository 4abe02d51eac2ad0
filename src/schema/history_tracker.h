#pragma once
/// A ChangeHandler that keeps a SchemaHistory in step with the changes it passes on:
/// every statement is applied to the history (DDL in binlog order) before the next handler
/// sees it, every commit advances the history's valid_up_to. Put it between the
/// ChangeAssembler and the real handler; give the EventDecoder a HistoryResolver on the same
/// history. Same thread as the decoder.
///
///   SchemaHistory history = ...seed() or load()...;
///   HistoryResolver resolver(history);
///   HistoryTracker tracker(history, printer);       // printer: the real ChangeHandler
///   ChangeAssembler assembler(tracker, options);    // no database filter on statements!
///   EventDecoder decoder({.resolver = &resolver});

#include "binlog/change_handler.h"
#include "schema/schema_history.h"

namespace sluice::schema {

class HistoryTracker : public binlog::ChangeHandler {
 public:
  /// Neither is owned; both outlive the tracker.
  HistoryTracker(SchemaHistory& history, binlog::ChangeHandler& next) : history_(history), next_(next) {}

  core::Status on_row(const change::RowChange& change, const binlog::TableLayoutPtr& layout) override {
    return next_.on_row(change, layout);
  }
  core::Status on_statement(const binlog::StatementChange& s) override {
    SLUICE_TRY(history_.apply(s));
    return next_.on_statement(s);
  }
  core::Status on_commit(const change::Transaction& txn) override {
    if (txn.end_pos != 0) history_.advance(core::BinlogPosition{std::string(txn.file), txn.end_pos});
    return next_.on_commit(txn);
  }

 private:
  SchemaHistory& history_;
  binlog::ChangeHandler& next_;
};

}  // namespace sluice::schema
