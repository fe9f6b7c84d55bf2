package teamsbot

import (
	"fmt"
	"strconv"
	"strings"
)

// Adaptive Card element and action types Teams renders that secbot may use.
var (
	cardElements = map[string]bool{"TextBlock": true, "FactSet": true, "Container": true,
		"ColumnSet": true, "Column": true, "ActionSet": true}
	cardActions = map[string]bool{"Action.Submit": true, "Action.Execute": true,
		"Action.OpenUrl": true, "Action.ShowCard": true}
)

// validateCard checks a card's shape: an AdaptiveCard of version ≤ 1.5
// whose every element and action is one Teams renders.
func validateCard(c map[string]any) error {
	if c["type"] != "AdaptiveCard" {
		return fmt.Errorf("type %v, want AdaptiveCard", c["type"])
	}
	v, _ := c["version"].(string)
	major, minor, ok := strings.Cut(v, ".")
	ma, err1 := strconv.Atoi(major)
	mi, err2 := strconv.Atoi(minor)
	if !ok || err1 != nil || err2 != nil || ma != 1 || mi > 5 {
		return fmt.Errorf("version %q: want 1.0 … 1.5", v)
	}
	if err := walkElements(c["body"], "body"); err != nil {
		return err
	}
	return walkActions(c["actions"], "actions")
}

func walkElements(v any, at string) error {
	if v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return fmt.Errorf("%s: not a list", at)
	}
	for i, x := range list {
		e, ok := x.(map[string]any)
		if !ok {
			return fmt.Errorf("%s[%d]: not an object", at, i)
		}
		typ, _ := e["type"].(string)
		here := fmt.Sprintf("%s[%d](%s)", at, i, typ)
		if !cardElements[typ] {
			return fmt.Errorf("%s: element type %q is not one Teams renders", here, typ)
		}
		for _, k := range []string{"items", "columns"} {
			if err := walkElements(e[k], here+"."+k); err != nil {
				return err
			}
		}
		if err := walkActions(e["actions"], here+".actions"); err != nil {
			return err
		}
		if typ == "TextBlock" && e["text"] == nil {
			return fmt.Errorf("%s: TextBlock without text", here)
		}
	}
	return nil
}

func walkActions(v any, at string) error {
	if v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return fmt.Errorf("%s: not a list", at)
	}
	for i, x := range list {
		if err := checkAction(x, fmt.Sprintf("%s[%d]", at, i)); err != nil {
			return err
		}
	}
	return nil
}

func checkAction(x any, at string) error {
	a, ok := x.(map[string]any)
	if !ok {
		return fmt.Errorf("%s: not an object", at)
	}
	typ, _ := a["type"].(string)
	if !cardActions[typ] {
		return fmt.Errorf("%s: action type %q is not one Teams renders", at, typ)
	}
	if t, _ := a["title"].(string); t == "" {
		return fmt.Errorf("%s: action without a title", at)
	}
	if fb, ok := a["fallback"]; ok && fb != "drop" {
		if err := checkAction(fb, at+".fallback"); err != nil {
			return err
		}
	}
	if sc, ok := a["card"].(map[string]any); ok {
		return walkElements(sc["body"], at+".card.body")
	}
	return nil
}
