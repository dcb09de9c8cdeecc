import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from "react";

interface Question {
  title: string;
  body?: ReactNode;
  confirmLabel: string;
  danger?: boolean;
}

type Ask = (question: Question) => Promise<boolean>;

const ConfirmContext = createContext<Ask>(async () => window.confirm("Are you sure?"));

/** One modal question at a time for destructive actions: a native <dialog>, so focus stays in
 * it, Escape cancels and focus returns to the button that asked. */
export function ConfirmProvider({ children }: { children: ReactNode }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [question, setQuestion] = useState<Question | null>(null);
  const answer = useRef<(yes: boolean) => void>(() => {});

  const ask = useCallback<Ask>((next) => {
    setQuestion(next);
    queueMicrotask(() => dialog.current?.showModal());
    return new Promise<boolean>((resolve) => {
      answer.current = resolve;
    });
  }, []);

  function close(yes: boolean) {
    dialog.current?.close();
    answer.current(yes);
    answer.current = () => {};
  }

  return (
    <ConfirmContext.Provider value={ask}>
      {children}
      <dialog
        ref={dialog}
        className="confirm-dialog"
        aria-labelledby="confirm-title"
        onCancel={() => close(false)}
      >
        {question ? (
          <form
            method="dialog"
            onSubmit={(event) => {
              event.preventDefault();
              close(true);
            }}
          >
            <h2 id="confirm-title">{question.title}</h2>
            {question.body ? <div className="confirm-body">{question.body}</div> : null}
            <div className="row">
              <button
                type="submit"
                className={question.danger ? "button button-danger" : "button"}
              >
                {question.confirmLabel}
              </button>
              <button
                type="button"
                className="button button-secondary"
                autoFocus
                onClick={() => close(false)}
              >
                Cancel
              </button>
            </div>
          </form>
        ) : null}
      </dialog>
    </ConfirmContext.Provider>
  );
}

export function useConfirm(): Ask {
  return useContext(ConfirmContext);
}
