package mistraltest

import (
	"encoding/json"
	"fmt"
	"slices"
)

// parseConfirmations reads an append's "tool_confirmations":
// [{"tool_call_id", "confirmation": "allow"|"deny"}], as the TS SDK's
// ToolCallConfirmation encodes it.
func parseConfirmations(raw json.RawMessage) (map[string]string, *validationError) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, invalid("Input should be a valid list", "list_type", "tool_confirmations")
	}
	out := make(map[string]string, len(list))
	for i, c := range list {
		if err := extraMember(c, keys("tool_call_id", "confirmation"), "tool_confirmations", i); err != nil {
			return nil, err
		}
		if !isString(c["tool_call_id"]) {
			return nil, invalid("Field required", "missing", "tool_confirmations", i, "tool_call_id")
		}
		switch v := str(c["confirmation"]); v {
		case "allow", "deny":
			out[str(c["tool_call_id"])] = v
		default:
			return nil, invalid("Input should be 'allow' or 'deny'", "enum", "tool_confirmations", i, "confirmation")
		}
	}
	return out, nil
}

// awaitingConfirmation lists the function calls the API holds for a tool
// confirmation (confirmation_status "pending").
func awaitingConfirmation(entries []map[string]json.RawMessage) []string {
	var p []string
	for _, e := range entries {
		if str(e["type"]) == "function.call" && str(e["confirmation_status"]) == "pending" {
			p = append(p, str(e["tool_call_id"]))
		}
	}
	return p
}

// checkConfirmations reports what the API refuses: a confirmation of a call
// that does not await one, or a call awaiting one left unanswered.
func checkConfirmations(awaiting []string, conf map[string]string) error {
	for id := range conf {
		if !slices.Contains(awaiting, id) {
			return fmt.Errorf("tool_confirmations: tool_call_id %q does not match a function call awaiting confirmation", id)
		}
	}
	var missing []string
	for _, id := range awaiting {
		if _, ok := conf[id]; !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		//lint:ignore ST1005 the API's own wording, which clients match
		return fmt.Errorf("Missing tool confirmations for tool_call_id(s): %s", joinIDs(missing))
	}
	return nil
}

// applyConfirmations records the answers on the stored calls: "allowed" or
// "denied" (a copy of each changed entry: history already served keeps its
// value).
func applyConfirmations(entries []map[string]json.RawMessage, conf map[string]string) {
	for i, e := range entries {
		if str(e["type"]) != "function.call" {
			continue
		}
		v, ok := conf[str(e["tool_call_id"])]
		if !ok {
			continue
		}
		e = cloneRaw(e)
		if v == "allow" {
			e["confirmation_status"] = mustJSON("allowed")
		} else {
			e["confirmation_status"] = mustJSON("denied")
		}
		entries[i] = e
	}
}

func joinIDs(ids []string) string {
	out := ""
	for i, id := range ids {
		if i > 0 {
			out += ", "
		}
		out += id
	}
	return out
}
